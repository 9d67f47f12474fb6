import type { Server } from 'node:http';
import {
  type Config,
  createMetricsRegistry,
  type Logger,
  rateLimitedWarn,
  serveMetrics,
} from '../../common/index.js';
import { FingerprintPipeline } from '../pipeline.js';
import { toTlsEvent } from '../record.js';
import { buildFilter } from './bpf.js';
import { dropPrivileges, type LiveCapture, openLiveCapture } from './cap-source.js';
import { EventSocketWriter } from './event-socket.js';
import { registerSentinelMetrics } from './metrics.js';
import { PcapStatsPoller, type PcapTotals } from './pcap-stats.js';
import { PcapWriter } from './pcap-writer.js';

export interface SentinelOptions {
  sentinel: Config['sentinel'];
  /** The correlator's network socket. */
  socket: string;
  /** Also write every captured frame to this pcap file. */
  write?: string;
  log: Logger;
}

export interface SentinelHandle {
  pipeline: FingerprintPipeline;
  events: EventSocketWriter;
  filter: string;
  metricsPort: number | null;
  /** libpcap's receive/drop totals (polled each second), or null without the patched cap binding. */
  pcap: PcapTotals | null;
  /** The capture ring libpcap opened (TPACKET_V3 with sentinel.block_ms > 0 and the patched binding). */
  ring: string;
  close(): Promise<void>;
}

/**
 * `ja4 sentinel`: live capture (libpcap via cap) → the same FingerprintPipeline as
 * `ja4 fingerprint` → one TLS event JSON line per ClientHello on network.socket.
 */
export async function startSentinel(opts: SentinelOptions): Promise<SentinelHandle> {
  const s = opts.sentinel;
  const filter = s.filter === '' ? buildFilter(s.ports) : s.filter;
  const events = new EventSocketWriter(opts.socket, {
    maxQueue: s.max_queue,
    maxBackoffMs: s.reconnect_max_ms,
    holdDownMs: s.hold_down_ms,
  });
  const pipeline = new FingerprintPipeline((r) => events.send(JSON.stringify(toTlsEvent(r))), {
    maxFlows: s.max_flows,
    idleUs: s.flow_idle_ms * 1000,
    maxFlowBytes: s.max_flow_bytes,
  });
  let writer: PcapWriter | null = null;
  let capture: LiveCapture;
  try {
    capture = openLiveCapture(
      s.iface,
      filter,
      s.buffer_mb * 1024 * 1024,
      s.snaplen,
      (linkType, frame, ts) => {
        writer?.write(frame, ts);
        pipeline.push(linkType, frame, ts);
      },
      s.block_ms,
    );
  } catch (err) {
    events.close();
    throw err;
  }
  if (opts.write) writer = new PcapWriter(opts.write, capture.linkType);
  const pcapStats = startPcapStats(capture, opts.log);
  const user = dropPrivileges(s.user);
  const flushTimer = setInterval(() => writer?.flush(), 500);
  flushTimer.unref();
  const server =
    s.metrics_port > 0
      ? await serveSentinelMetrics(s.metrics_port, pipeline, events, () => writer?.written ?? 0, pcapStats)
      : null;
  logCapturing(opts, filter, user, capture.ring, pcapStats !== null);
  return {
    pipeline,
    events,
    filter,
    metricsPort: server ? (server.address() as { port: number }).port : null,
    pcap: pcapStats?.totals ?? null,
    ring: capture.ring,
    async close() {
      clearInterval(flushTimer);
      pcapStats?.stop(); // the last counts, while the handle is still open
      capture.close();
      writer?.close();
      events.close();
      if (server) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function logCapturing(
  opts: SentinelOptions,
  filter: string,
  user: unknown,
  ring: string,
  libpcapTs: boolean,
) {
  const s = opts.sentinel;
  opts.log.info(
    {
      iface: s.iface,
      filter,
      socket: opts.socket,
      write: opts.write ?? null,
      user,
      ring,
      timestamps: libpcapTs ? 'libpcap' : 'clock (cap binding without patches/cap+*.patch)',
    },
    'sentinel capturing',
  );
}

/** libpcap's receive/drop counters polled each second, when the cap binding has the patches. */
function startPcapStats(capture: LiveCapture, log: Logger): PcapStatsPoller | null {
  const warn = rateLimitedWarn(log);
  const pcapStats = capture.stats
    ? new PcapStatsPoller(capture.stats, (message) =>
        warn('pcap_stats', { err: message }, 'pcap_stats failed'),
      )
    : null;
  pcapStats?.start(1000);
  return pcapStats;
}

async function serveSentinelMetrics(
  port: number,
  pipeline: FingerprintPipeline,
  events: EventSocketWriter,
  written: () => number,
  pcapStats: PcapStatsPoller | null,
): Promise<Server> {
  const registry = createMetricsRegistry('sentinel');
  registerSentinelMetrics(registry, {
    pipeline: pipeline.stats,
    socket: events.stats,
    flows: () => pipeline.flowCount(),
    written,
    pcap: pcapStats
      ? {
          totals: pcapStats.totals,
          refresh: () => pcapStats.poll(),
        }
      : null,
  });
  return serveMetrics(registry, port);
}
