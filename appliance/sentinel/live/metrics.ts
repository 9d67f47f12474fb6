import { Counter, Gauge, type Registry } from '../../common/index.js';
import { PARSE_CODES } from '../errors.js';
import type { PipelineStats } from '../pipeline.js';
import type { EventSocketStats } from './event-socket.js';
import type { PcapTotals } from './pcap-stats.js';

export interface SentinelMetricSources {
  pipeline: PipelineStats;
  socket: EventSocketStats;
  flows: () => number;
  written: () => number;
  pcap?: { totals: PcapTotals; refresh: () => void } | null;
}

/** How much a running total grew since the last scrape (prom-client counters only go up by inc). */
type Delta = (key: string, now: number) => number;
/** Registers a counter that grows by the delta of `read()` at each scrape. */
type ReadCounter = (name: string, help: string, read: () => number) => void;

/**
 * Sentinel counters, read from the pipeline and socket stats at scrape time (nothing is touched
 * per packet). `pcap` (libpcap's pcap_stats(), from the patched cap binding) is refreshed at
 * scrape time too; without the patch those three counters are not registered at all.
 */
export function registerSentinelMetrics(registry: Registry, src: SentinelMetricSources): void {
  const last = new Map<string, number>();
  const delta: Delta = (key, now) => {
    const d = now - (last.get(key) ?? 0);
    last.set(key, now);
    return d;
  };
  const counter: ReadCounter = (name, help, read) =>
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
  if (src.pcap) registerPcapCounters(counter, src.pcap);
  registerLossCounters(registry, src, delta);
  new Gauge({
    name: 'ja4_sentinel_flows',
    help: 'TCP and QUIC flows tracked',
    registers: [registry],
    collect() {
      this.set(src.flows());
    },
  });
}

function registerPcapCounters(counter: ReadCounter, pcap: NonNullable<SentinelMetricSources['pcap']>): void {
  const pcapRead = (key: keyof PcapTotals) => () => {
    pcap.refresh(); // a getsockopt per counter and scrape: cheap, and each one is current
    return pcap.totals[key];
  };
  counter(
    'ja4_sentinel_pcap_received_total',
    'Packets libpcap received on the capture handle (pcap_stats ps_recv)',
    pcapRead('received'),
  );
  counter(
    'ja4_sentinel_pcap_dropped_total',
    'Packets dropped because libpcap/the kernel buffer had no room (pcap_stats ps_drop)',
    pcapRead('dropped'),
  );
  counter(
    'ja4_sentinel_pcap_ifdropped_total',
    'Packets dropped by the network interface or its driver (pcap_stats ps_ifdrop)',
    pcapRead('ifdropped'),
  );
}

/** Events dropped on the way to the correlator, and ClientHellos that did not parse. */
function registerLossCounters(registry: Registry, src: SentinelMetricSources, delta: Delta): void {
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
}
