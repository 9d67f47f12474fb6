import { Counter, Gauge, type Registry } from '../../common/index.js';
import { PARSE_CODES } from '../errors.js';
import type { PipelineStats } from '../pipeline.js';
import type { EventSocketStats } from './event-socket.js';

/**
 * Sentinel counters, read from the pipeline and socket stats at scrape time (nothing is touched
 * per packet). libpcap's own ps_recv/ps_drop are not exposed by the cap binding; see README.
 */
export function registerSentinelMetrics(
  registry: Registry,
  src: { pipeline: PipelineStats; socket: EventSocketStats; flows: () => number; written: () => number },
): void {
  const last = new Map<string, number>();
  const delta = (key: string, now: number) => {
    const d = now - (last.get(key) ?? 0);
    last.set(key, now);
    return d;
  };
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const d = delta(name, read());
        if (d > 0) this.inc(d);
      },
    });
  counter('ja4_sentinel_packets_total', 'Frames received from libpcap', () => src.pipeline.packets);
  counter('ja4_sentinel_client_hellos_total', 'ClientHellos fingerprinted', () => src.pipeline.clientHellos);
  counter('ja4_sentinel_events_sent_total', 'TLS events written to network.socket', () => src.socket.sent);
  counter('ja4_sentinel_frames_written_total', 'Frames written to the --write capture file', src.written);
  new Counter({
    name: 'ja4_sentinel_events_dropped_total',
    help: 'TLS events dropped (socket down, or queue full because the reader is slow)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const down = delta('down', src.socket.droppedDown);
      const full = delta('full', src.socket.droppedFull);
      if (down > 0) this.inc({ reason: 'socket_down' }, down);
      if (full > 0) this.inc({ reason: 'queue_full' }, full);
    },
  });
  new Counter({
    name: 'ja4_sentinel_parse_errors_total',
    help: 'Parse failures by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const kind of PARSE_CODES) {
        const d = delta(`err:${kind}`, src.pipeline.errors[kind]);
        if (d > 0) this.inc({ kind }, d);
      }
    },
  });
  new Gauge({
    name: 'ja4_sentinel_flows',
    help: 'TCP and QUIC flows tracked',
    registers: [registry],
    collect() {
      this.set(src.flows());
    },
  });
}
