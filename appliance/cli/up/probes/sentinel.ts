import type { ServiceReport, StatusValue } from '../../../dashboard/index.js';
import type { SentinelHealth } from '../sentinel-child.js';
import { SILENT_AFTER_MS } from '../sentinel-heartbeat.js';
import type { Absent } from './absent.js';
import { RateWindow } from './rate-window.js';
import { ago, count, iso, perSecond, report } from './words.js';

/**
 * The sentinel from its own heartbeats: down when its process ended or it has not beaten for
 * SILENT_AFTER_MS; a warning when libpcap or its socket dropped something in the window.
 */
export function sentinelReport(h: SentinelHealth | Absent, now = Date.now()): ServiceReport {
  if ('reason' in h) {
    return report(h.off ? 'idle' : 'warn', h.off ? `not started: ${h.reason}` : `not capturing: ${h.reason}`);
  }
  const w = beatWindow(h);
  const last = h.beats[h.beats.length - 1];
  const where = `${h.iface} port${h.ports.length > 1 ? 's' : ''} ${h.ports.join(',')}`;
  const values = reportValues(h, w, where, now);
  const seen = iso(last?.at ?? null);
  if (h.exited) {
    const how = h.exited.signal ?? `code ${h.exited.code}`;
    return report(
      'down',
      `exited (${how}) ${ago(iso(h.exited.at), now)}: nothing is captured, HTTPS requests are stored without JA4; restart ja4 up`,
      values,
      seen,
    );
  }
  if (!last || now - last.at > SILENT_AFTER_MS) {
    return report(
      'down',
      `silent for ${Math.round((now - (last?.at ?? now)) / 1000)} s (it reports every 2 s)`,
      values,
      seen,
    );
  }
  const pcapDrops = w.growth('pcap_dropped');
  const eventDrops = w.growth('events_dropped');
  if (pcapDrops > 0)
    return report(
      'warn',
      `libpcap dropped ${count(pcapDrops)} packets lately: raise sentinel.buffer_mb`,
      values,
      seen,
    );
  if (eventDrops > 0)
    return report(
      'warn',
      `dropped ${count(eventDrops)} TLS events lately: is the correlator reading network.socket?`,
      values,
      seen,
    );
  if (!last.last_hello_at)
    return report('idle', `capturing ${where}; no TLS handshake seen yet`, values, seen);
  return report('ok', `capturing ${where}`, values, seen);
}

/** The kept heartbeats as a rate window; both kinds of libpcap drop count as one. */
function beatWindow(h: SentinelHealth): RateWindow {
  const w = new RateWindow(Number.POSITIVE_INFINITY);
  for (const b of h.beats)
    w.add(b.at, {
      ...b,
      pcap_dropped: (b.pcap_dropped ?? 0) + (b.pcap_ifdropped ?? 0),
    } as unknown as Record<string, number>);
  return w;
}

function reportValues(h: SentinelHealth, w: RateWindow, where: string, now: number): StatusValue[] {
  const last = h.beats[h.beats.length - 1];
  // Rates of a sentinel that stopped beating would describe the past as the present.
  const live = !h.exited && last !== undefined && now - last.at <= SILENT_AFTER_MS;
  const rate = (key: string) => perSecond(live ? w.rate(key) : null);
  return [
    { label: 'capturing', value: where },
    { label: 'packets', value: rate('packets') },
    { label: 'handshakes', value: rate('client_hellos') },
    { label: 'last handshake', value: ago(iso(last?.last_hello_at ?? null), now) },
    {
      label: 'pcap drops',
      value: last?.pcap_dropped === null ? 'not counted (unpatched cap)' : count(last?.pcap_dropped ?? 0),
    },
    { label: 'interface drops', value: count(last?.pcap_ifdropped ?? 0) },
    { label: 'unparsed packets', value: count(last?.parse_errors ?? 0) },
    { label: 'events sent', value: count(last?.events_sent ?? 0) },
    { label: 'events dropped', value: count(last?.events_dropped ?? 0) },
    { label: 'pid', value: String(h.pid ?? '?') },
  ];
}
