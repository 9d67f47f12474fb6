import { statSync } from 'node:fs';
import type { CorrelatorHandle } from '../../../correlator/index.js';
import type { ServiceReport } from '../../../dashboard/index.js';
import { RateWindow } from './rate-window.js';
import { ago, bytes, count, iso, perSecond, report } from './words.js';

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
export async function readSeries(registry: CorrelatorHandle['registry']): Promise<Record<string, number>> {
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

type Series = Record<string, number>;

/** The correlator's figures in words. */
function correlatorValues(c: Series, w: RateWindow, lastReason: string, now: number) {
  const why = unjoined(c);
  const without = why.reduce((n, [, v]) => n + v, 0);
  const producers = (s: string) => c[`ja4_correlator_producer_connections:${s}`] ?? 0;
  const eventsIn = (s: string) => perSecond(w.rate(`ja4_correlator_events_in_total:${s}`));
  const segments = c.log_segments ?? 0;
  return [
    { label: 'producers', value: `http ${producers('http')}, network ${producers('network')}` },
    { label: 'events in', value: `http ${eventsIn('http')}, tls ${eventsIn('tls')}` },
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
    { label: 'batches not yet in ClickHouse', value: count(c.ja4_correlator_spool_batches ?? 0) },
    {
      label: 'dead letters',
      value: c.dead_letter_rows
        ? `${count(c.dead_letter_rows)} rows (${bytes(c.dead_letter_bytes ?? 0)}); last: ${lastReason}`
        : '0',
    },
    {
      label: 'log',
      value: `${bytes(c.log_bytes ?? 0)} in ${count(segments)} segment${segments === 1 ? '' : 's'}`,
    },
  ];
}

/** What needs a look, most urgent first; null when nothing does. */
function trouble(c: Series, w: RateWindow, lastReason: string): string | null {
  if (c.ja4_correlator_input_paused) return 'input paused: neither ClickHouse nor the log keeps up';
  const failed = w.growth('ja4_correlator_batches_total:failed');
  if (failed > 0)
    return `ClickHouse did not take ${count(failed)} batches lately; they wait in the log and are retried`;
  const refused = w.growth('dead_letter_rows');
  if (refused > 0)
    return `ClickHouse refused ${count(refused)} rows lately, kept in the dead-letter file: ${lastReason}`;
  if (c.ja4_correlator_rows_lost_total) return `${count(c.ja4_correlator_rows_lost_total)} rows lost`;
  return null;
}

/**
 * The correlator hosted in this process, from its own counters: joined per second, requests that
 * went out without a handshake and why, producers connected, inserts, its on-disk log and the
 * rows ClickHouse refused (dead letters). Down when a socket file is gone (no producer can
 * connect); a warning when input is paused, batches fail or are lost, or rows were refused lately.
 */
export function watchCorrelator(
  correlator: Pick<CorrelatorHandle, 'registry' | 'status'>,
  sockets: { http: string; network: string },
): CorrelatorWatch {
  const w = new RateWindow();
  let lastReason = '';
  return {
    async sample(now = Date.now()) {
      const c = await readSeries(correlator.registry);
      const s = correlator.status();
      c.joined =
        (c['ja4_correlator_requests_total:joined'] ?? 0) +
        (c['ja4_correlator_requests_total:joined_after_wait'] ?? 0);
      c.dead_letter_rows = s.deadLetters.rows;
      c.dead_letter_bytes = s.deadLetters.bytes;
      c.log_bytes = s.log.bytes;
      c.log_segments = s.log.segments;
      lastReason = s.deadLetters.lastReason;
      w.add(now, c);
    },
    report(now = Date.now()) {
      const c = w.latest() ?? {};
      const values = correlatorValues(c, w, lastReason, now);
      const seen = iso(now);
      const gone = [sockets.http, sockets.network].find((p) => !isSocket(p));
      if (gone)
        return report('down', `${gone} is gone: no producer can connect; restart ja4 up`, values, seen);
      const problem = trouble(c, w, lastReason);
      if (problem) return report('warn', problem, values, seen);
      const without = unjoined(c).reduce((n, [, v]) => n + v, 0);
      const tls = (c.joined ?? 0) + without;
      if (!tls && !c['ja4_correlator_requests_total:plain']) {
        return report('idle', 'listening; no request received yet', values, seen);
      }
      const share = tls ? `${Math.round((100 * (c.joined ?? 0)) / tls)}%` : '—';
      const summary = `joined ${count(c.joined ?? 0)} of ${count(tls)} HTTPS requests to their handshake (${share})`;
      return report('ok', summary, values, seen);
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
