import type { SentinelHandle } from '../../sentinel/index.js';

/**
 * What the sentinel child tells `ja4 up` over its IPC channel, every heartbeat: that it is
 * alive, and its counters since it started (the status page turns them into rates).
 */
export interface SentinelHeartbeat {
  type: 'heartbeat';
  /** ms since the epoch, the child's clock. */
  at: number;
  packets: number;
  client_hellos: number;
  events_sent: number;
  /** TLS events dropped: correlator socket down, or its queue full. */
  events_dropped: number;
  /** libpcap's pcap_stats (null without the patched cap binding). */
  pcap_received: number | null;
  pcap_dropped: number | null;
  flows: number;
  /** When the count of ClientHellos last grew (ms since the epoch), null before the first. */
  last_hello_at: number | null;
}

/** How often the child beats under `ja4 up`; the parent calls it silent after three missed. */
export const HEARTBEAT_MS = 2000;
export const SILENT_AFTER_MS = 3 * HEARTBEAT_MS;

export function isHeartbeat(m: unknown): m is SentinelHeartbeat {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'heartbeat';
}

/** A snapshot of the sentinel's counters. */
export function heartbeatOf(
  h: Pick<SentinelHandle, 'pipeline' | 'events' | 'pcap'>,
  at: number,
  lastHelloAt: number | null,
): SentinelHeartbeat {
  const s = h.events.stats;
  return {
    type: 'heartbeat',
    at,
    packets: h.pipeline.stats.packets,
    client_hellos: h.pipeline.stats.clientHellos,
    events_sent: s.sent,
    events_dropped: s.droppedDown + s.droppedFull,
    pcap_received: h.pcap?.received ?? null,
    pcap_dropped: h.pcap?.dropped ?? null,
    flows: h.pipeline.flowCount(),
    last_hello_at: lastHelloAt,
  };
}

/**
 * The child's side: a heartbeat every `ms` on `send` (process.send). Returns the stop function.
 * The first beat goes out at once, so the parent has counters before the first interval.
 */
export function startHeartbeat(
  h: Pick<SentinelHandle, 'pipeline' | 'events' | 'pcap'>,
  ms: number,
  send: (m: SentinelHeartbeat) => void,
): () => void {
  let hellos = 0;
  let lastHelloAt: number | null = null;
  const beat = () => {
    const now = Date.now();
    if (h.pipeline.stats.clientHellos !== hellos) {
      hellos = h.pipeline.stats.clientHellos;
      lastHelloAt = now;
    }
    send(heartbeatOf(h, now, lastHelloAt));
  };
  beat();
  const timer = setInterval(beat, ms);
  return () => clearInterval(timer);
}
