import { statSync } from 'node:fs';
import type { Registry } from '../../../common/index.js';
import type { ServiceReport } from '../../../dashboard/index.js';
import { RateWindow } from './rate-window.js';
import { ago, count, iso, perSecond, report } from './words.js';

/** The correlator's series the status page reads (appliance/correlator/README.md, Metrics). */
const SERIES = [
  'ja4_correlator_events_in_total',
  'ja4_correlator_requests_total',
  'ja4_correlator_unjoined_total',
  'ja4_correlator_rows_written_total',
  'ja4_correlator_rows_lost_total',
  'ja4_correlator_batches_total',
  'ja4_correlator_producer_connections',
  'ja4_correlator_input_paused',
  'ja4_correlator_spool_batches',
  'ja4_correlator_pending',
];

/** Why a TLS request went out without its handshake, as requests_total's outcomes say it. */
const UNJOINED_OUTCOMES = ['late', 'pending_overflow', 'drained_at_close'];

/** Every series as `name` or `name:label-value` (the registry's default `service` label left out). */
export async function readSeries(registry: Registry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of SERIES) {
    const metric = registry.getSingleMetric(name);
    if (!metric) continue;
    for (const v of (await metric.get()).values) {
      const labels = Object.entries(v.labels ?? {}).filter(([k]) => k !== 'service');
      out[labels.length ? `${name}:${labels.map(([, l]) => l).join(',')}` : name] = Number(v.value);
    }
  }
  return out;
}

/** The reasons requests went without a handshake: the join's own counter when it has one. */
function unjoined(c: Record<string, number>): [string, number][] {
  const prefix = 'ja4_correlator_unjoined_total:';
  const own = Object.entries(c).filter(([k]) => k.startsWith(prefix) && !k.endsWith(':plain_http'));
  const list = own.length
    ? own.map(([k, v]): [string, number] => [k.slice(prefix.length), v])
    : UNJOINED_OUTCOMES.map((o): [string, number] => [o, c[`ja4_correlator_requests_total:${o}`] ?? 0]);
  return list.filter(([, v]) => v > 0);
}

export interface CorrelatorWatch {
  sample(now?: number): Promise<void>;
  report(now?: number): ServiceReport;
}

/**
 * The correlator hosted in this process, from its own counters: joined per second, requests that
 * went out without a handshake and why, producers connected, inserts. Down when a socket file
 * is gone (no producer can connect); a warning when input is paused or batches fail or are lost.
 */
export function watchCorrelator(
  registry: Registry,
  sockets: { http: string; network: string },
): CorrelatorWatch {
  const w = new RateWindow();
  return {
    async sample(now = Date.now()) {
      const c = await readSeries(registry);
      c.joined =
        (c['ja4_correlator_requests_total:joined'] ?? 0) +
        (c['ja4_correlator_requests_total:joined_after_wait'] ?? 0);
      w.add(now, c);
    },
    report(now = Date.now()) {
      const c = w.latest() ?? {};
      const why = unjoined(c);
      const without = why.reduce((n, [, v]) => n + v, 0);
      const values = [
        {
          label: 'producers',
          value: `http ${c['ja4_correlator_producer_connections:http'] ?? 0}, network ${c['ja4_correlator_producer_connections:network'] ?? 0}`,
        },
        {
          label: 'events in',
          value: `http ${perSecond(w.rate('ja4_correlator_events_in_total:http'))}, tls ${perSecond(w.rate('ja4_correlator_events_in_total:tls'))}`,
        },
        { label: 'joined', value: `${perSecond(w.rate('joined'))} (${count(c.joined ?? 0)} in all)` },
        {
          label: 'without a handshake',
          value: without
            ? `${count(without)}: ${why.map(([k, v]) => `${k.replaceAll('_', ' ')} ${count(v)}`).join(', ')}`
            : '0',
        },
        { label: 'plain HTTP', value: count(c['ja4_correlator_requests_total:plain'] ?? 0) },
        { label: 'rows written', value: count(c.ja4_correlator_rows_written_total ?? 0) },
        { label: 'last insert', value: ago(iso(w.lastGrowth('ja4_correlator_rows_written_total')), now) },
        { label: 'spooled batches', value: count(c.ja4_correlator_spool_batches ?? 0) },
      ];
      const seen = iso(now);
      const gone = [sockets.http, sockets.network].find((p) => !isSocket(p));
      if (gone)
        return report('down', `${gone} is gone: no producer can connect; restart ja4 up`, values, seen);
      if (c.ja4_correlator_input_paused)
        return report('warn', 'input paused: neither ClickHouse nor the spool keeps up', values, seen);
      const failed = w.growth('ja4_correlator_batches_total:failed');
      if (failed > 0)
        return report(
          'warn',
          `ClickHouse refused ${count(failed)} batches lately; they wait in the spool`,
          values,
          seen,
        );
      if (c.ja4_correlator_rows_lost_total)
        return report('warn', `${count(c.ja4_correlator_rows_lost_total)} rows lost`, values, seen);
      const tls = (c.joined ?? 0) + without;
      if (!tls && !c['ja4_correlator_requests_total:plain'])
        return report('idle', 'listening; no request received yet', values, seen);
      const share = tls ? `${Math.round((100 * (c.joined ?? 0)) / tls)}%` : '—';
      return report(
        'ok',
        `joined ${count(c.joined ?? 0)} of ${count(tls)} HTTPS requests to their handshake (${share})`,
        values,
        seen,
      );
    },
  };
}

function isSocket(p: string): boolean {
  try {
    return statSync(p).isSocket();
  } catch {
    return false;
  }
}
