import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ClickHouseHandle,
  type Config,
  createMetricsRegistry,
  type Logger,
  type Registry,
  rateLimitedWarn,
  serveMetrics,
} from '../common/index.js';
import { systemClock, timeWindow, UnixSocketSource } from './adapters/index.js';
import { readLegacySpool } from './adapters/legacy-spool.js';
import { assemble, drainAndClose, type Pipeline, tick } from './assemble.js';
import { createSink } from './create-sink.js';
import type { ConnectionJoin } from './domain/join.js';
import type { DeadLetterStatus } from './ports/dead-letter.js';
import type { BadLineReason, Clock, RefusalReason, RowSink, SourceHandlers } from './ports/index.js';
import { recover } from './recovery.js';

type Warn = (key: string, fields: Record<string, unknown>, msg: string) => void;

const REFUSALS: ReadonlySet<string> = new Set<RefusalReason>([
  'duplicate_key',
  'bad_ip',
  'too_old',
  'in_future',
]);

export interface CorrelatorOptions {
  config: Config;
  log: Logger;
  /** Required when correlator.sink = clickhouse; owned by the caller (the CLI, or `ja4 up`). */
  clickhouse?: ClickHouseHandle;
  /** A host's registry to add to; default: a new one labelled service=correlator. */
  registry?: Registry;
  /** Overrides correlator.metrics_port; 0 = do not serve (a host serving `registry` itself). */
  metricsPort?: number;
  /** Replaces the configured sink (tests wrap it to inject failures). */
  sink?: RowSink;
  clock?: Clock;
  /** How often pending requests and idle handshakes are checked, and batch age too. */
  tickMs?: number;
}

export interface CorrelatorStatus {
  pending: number;
  connections: number;
  queuedBatches: number;
  /** Batches in the log the sink has not confirmed. */
  spoolBatches: number;
  rowsWritten: number;
  /** Rows ClickHouse refused for their content (the dead-letter files). */
  deadLetters: DeadLetterStatus;
  /** The on-disk log: bytes and segment files. */
  log: { bytes: number; segments: number };
}

export interface CorrelatorHandle {
  readonly registry: Registry;
  /** host:port of /metrics when served. */
  readonly metricsAddress?: string;
  readonly join: ConnectionJoin;
  /** Snapshot for tests, `ja4 up` status lines and the dashboard's status page. */
  status(): CorrelatorStatus;
  /** Stops input, emits what waits, writes or logs every batch, closes the sink. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wires the correlator: two UNIX sockets → the log → the join → batches → the sink, and replays
 * what an earlier run left in the log before anything new. Returns once the sockets listen.
 * `ja4 correlator` and `ja4 up` both call this.
 */
export async function startCorrelator(opts: CorrelatorOptions): Promise<CorrelatorHandle> {
  const { config } = opts;
  const cfg = config.correlator;
  const log = opts.log.child({ service: 'correlator' });
  const warn = rateLimitedWarn(log);
  const tickMs = opts.tickMs ?? Math.min(100, cfg.batch_age_ms);
  const registry = opts.registry ?? createMetricsRegistry('correlator');
  const sink = opts.sink ?? createSink(config, opts.clickhouse);
  const sources: UnixSocketSource[] = [];
  const clock = opts.clock ?? systemClock;
  const p = assemble({ config, log, warn, registry, sink, clock, tickMs, sources });

  await replayLog(cfg.spool_dir, p, log);
  const timer = setInterval(() => tick(p), tickMs);
  timer.unref();

  let metricsServer: Server | undefined;
  try {
    await listen(config, p, warn, sources);
    const port = opts.metricsPort ?? cfg.metrics_port;
    if (port > 0) metricsServer = await serveMetrics(registry, port);
  } catch (err) {
    clearInterval(timer);
    await Promise.all(sources.map((s) => s.close()));
    await drainAndClose(p, sink);
    throw err;
  }
  const address = metricsServer?.address() as AddressInfo | undefined;
  log.info(
    { http: config.sockets.http, network: config.sockets.network, sink: sink.name, metrics: address?.port },
    'correlator listening',
  );
  return correlatorHandle({ p, sink, sources, timer, metricsServer, log, registry });
}

/** A started correlator: what its handle reports and what close() stops. */
interface Running {
  p: Pipeline;
  sink: RowSink;
  sources: UnixSocketSource[];
  timer: NodeJS.Timeout;
  metricsServer: Server | undefined;
  log: Logger;
  registry: Registry;
}

function correlatorHandle(r: Running): CorrelatorHandle {
  const { p } = r;
  const address = r.metricsServer?.address() as AddressInfo | undefined;
  let closing: Promise<void> | undefined;
  return {
    registry: r.registry,
    metricsAddress: address ? `${address.address}:${address.port}` : undefined,
    join: p.join,
    status: () => ({
      pending: p.join.pending,
      connections: p.join.connections,
      queuedBatches: p.delivery.queued,
      spoolBatches: p.ledger.unconfirmedBatches,
      rowsWritten: p.rowsWritten(),
      deadLetters: p.deadLetter.status(),
      log: { bytes: p.segments.bytes, segments: p.segments.segments.length },
    }),
    close() {
      closing ??= stop(r);
      return closing;
    },
  };
}

/** Input first, then the timer; every waiting request out and every batch written or logged. */
async function stop(r: Running): Promise<void> {
  const { p, metricsServer } = r;
  await Promise.all(r.sources.map((s) => s.close()));
  clearInterval(r.timer);
  await drainAndClose(p, r.sink);
  if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
  r.log.info(
    { rows_written: p.rowsWritten(), unconfirmed_batches: p.ledger.unconfirmedBatches },
    'correlator stopped',
  );
}

/** Opens both sockets; each line goes through decoding, then the ingest (log, then join). */
async function listen(config: Config, p: Pipeline, warn: Warn, sources: UnixSocketSource[]): Promise<void> {
  const cfg = config.correlator;
  const window = () => timeWindow(Date.now(), config.retention.http_logs_days, cfg.max_future_skew_ms);
  for (const name of ['http', 'network'] as const) {
    const handlers: SourceHandlers = {
      event: (ev, line, exact) => p.ingest.event(ev, line, exact),
      endOfRead: (readAt) => p.ingest.endOfRead(readAt),
      stats: name === 'http' ? (ev, before) => p.module.onStats(ev, before) : undefined,
      bad(reason: BadLineReason | RefusalReason, detail: string) {
        if (REFUSALS.has(reason)) p.metrics.refused.inc({ source: name, reason });
        else p.metrics.badLines.inc({ source: name, reason });
        warn(`bad-${name}-${reason}`, { socket: name, reason, detail }, 'input line refused');
      },
    };
    const source = new UnixSocketSource({
      name,
      path: config.sockets[name],
      mode: config.sockets.mode,
      group: config.sockets.group,
      maxLineBytes: cfg.max_line_bytes,
      backlog: config.sockets.backlog,
      window,
    });
    await source.start(handlers);
    sources.push(source);
  }
}

/**
 * Before the sockets open: batches an earlier run left unconfirmed go first (a spool of an older
 * version included), then the request lines it logged that reached no batch, through the join.
 */
async function replayLog(dir: string, p: Pipeline, log: Logger): Promise<void> {
  const { segments, ledger, durable, delivery, ingest } = p;
  const report = await recover(segments, ledger, {
    batch: (id, rows, ref) => delivery.submitRecovered(id, rows, ref),
    line: (ev, line, exact, through) => ingest.replay(ev, line, exact, through),
  });
  for (const t of report.torn)
    log.warn(t, 'log segment ends in a torn record (a crash mid-write); the bytes after it are ignored');
  if (report.damaged > 0)
    log.error(
      { records: report.damaged },
      'damaged log records (checksum mismatch) stepped over: what they held is lost',
    );
  if (report.batches > 0 || report.replayed > 0)
    log.info(report, 'replaying the log: unconfirmed batches resent, lines with no row joined again');
  for (const { batch, remove } of readLegacySpool(dir)) {
    const ref = durable.record(batch);
    await durable.durable();
    remove();
    delivery.submitRecovered(batch.id, batch.rows, ref);
  }
}
