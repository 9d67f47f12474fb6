import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join as joinPath } from 'node:path';
import {
  type ClickHouseHandle,
  type Config,
  createIpFilter,
  createMetricsRegistry,
  type Logger,
  type Registry,
  rateLimitedWarn,
  serveMetrics,
} from '../common/index.js';
import { DeadLetterFile } from './adapters/dead-letter-file.js';
import { systemClock, timeWindow, UnixSocketSource } from './adapters/index.js';
import { readLegacySpool } from './adapters/legacy-spool.js';
import { SegmentLog } from './adapters/segment-log.js';
import { createSink } from './create-sink.js';
import { Delivery } from './delivery.js';
import { Batcher } from './domain/batcher.js';
import { ConnectionJoin } from './domain/join.js';
import { DurableLog } from './durable-log.js';
import { Ingest } from './ingest.js';
import { LogLedger } from './log-ledger.js';
import { createCorrelatorMetrics } from './metrics.js';
import { deliveryObserver, splitObserver } from './observers.js';
import type { DeadLetterStatus } from './ports/dead-letter.js';
import type { BadLineReason, Clock, RefusalReason, RowSink, SourceHandlers } from './ports/index.js';
import { recover } from './recovery.js';
import { SplitWriter } from './split-writer.js';

const REFUSALS: ReadonlySet<string> = new Set<RefusalReason>([
  'duplicate_key',
  'bad_ip',
  'too_old',
  'in_future',
]);
const MB = 1024 * 1024;
/** Inserts tried for one refused batch before what still fails is dead-lettered whole (split-writer.ts). */
const SPLIT_MAX_INSERTS = 256;

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
  const clock = opts.clock ?? systemClock;
  const tickMs = opts.tickMs ?? Math.min(100, cfg.batch_age_ms);
  const registry = opts.registry ?? createMetricsRegistry('correlator');
  const sink = opts.sink ?? createSink(config, opts.clickhouse);
  const segments = SegmentLog.open(cfg.spool_dir, { segmentBytes: cfg.wal_segment_mb * MB });
  const ledger = new LogLedger(cfg.wal);
  const deadLetter = DeadLetterFile.open({
    path: cfg.dead_letter_path || joinPath(cfg.spool_dir, 'dead-letter.jsonl'),
    maxBytes: cfg.dead_letter_max_mb * MB,
    keep: cfg.dead_letter_keep,
  });
  let rowsWritten = 0;
  const sources: UnixSocketSource[] = [];
  const durable = new DurableLog(segments, ledger, {
    logInput: cfg.wal,
    fsync: cfg.wal_fsync,
    fsyncIntervalMs: cfg.wal_fsync_interval_ms,
    maxBytes: cfg.spool_max_mb * MB,
    onError(err) {
      metrics.logErrors.inc();
      warn('log-io', { err }, 'correlator log write failed');
    },
  });
  const deps = {
    log,
    warn,
    sinkName: sink.name,
    queued: () => delivery.queued,
    pauseInput: (on: boolean) => {
      for (const s of sources) on ? s.pause() : s.resume();
    },
    onRows: (n: number) => {
      rowsWritten += n;
    },
  };
  const join = new ConnectionJoin(
    {
      idleWindowMs: cfg.idle_window_ms,
      graceMs: cfg.grace_ms,
      maxConnections: cfg.max_connections,
      maxPending: cfg.max_pending,
      joinOnServerIp: cfg.join_on_server_ip,
    },
    clock,
    (row) => batcher.add(row),
  );
  const metrics = createCorrelatorMetrics(registry, {
    stats: join.stats,
    connections: () => join.connections,
    pending: () => join.pending,
    queuedBatches: () => delivery.queued,
    spoolBatches: () => ledger.unconfirmedBatches,
    spoolBytes: () => segments.bytes,
    logSegments: () => segments.segments.length,
    deadLetterBytes: () => deadLetter.status().bytes,
    producers: (name) => sources.find((s) => s.name === name)?.connections ?? 0,
  });
  const observed = { ...deps, metrics };
  const writer = new SplitWriter(
    sink,
    deadLetter,
    { maxInserts: SPLIT_MAX_INSERTS },
    splitObserver(observed),
  );
  const delivery = new Delivery(
    writer,
    durable,
    { retryMinMs: cfg.retry_min_ms, retryMaxMs: cfg.retry_max_ms, maxQueuedBatches: cfg.max_queued_batches },
    deliveryObserver(observed),
  );
  // A random run id: batch ids (deduplication tokens) must never repeat across restarts.
  const batcher = new Batcher(
    { maxRows: cfg.batch_rows, maxAgeMs: cfg.batch_age_ms, runId: randomBytes(8).toString('hex') },
    clock,
    (batch) => delivery.submit(batch, durable.cut(batch)),
  );
  const ingest = new Ingest({
    join,
    log: durable,
    filter: createIpFilter(config.filter),
    clock,
    graceMs: cfg.grace_ms,
    tickMs,
    onFiltered: () => metrics.filtered.inc(),
    onLogged: (seconds) => metrics.readToLog.observe(seconds),
  });

  await replayLog(cfg.spool_dir, segments, ledger, durable, delivery, ingest, log);

  const handlers = (name: 'http' | 'network'): SourceHandlers => ({
    event: (ev, line, exact) => ingest.event(ev, line, exact),
    endOfRead: (readAt) => ingest.endOfRead(readAt),
    bad(reason: BadLineReason | RefusalReason, detail: string) {
      if (REFUSALS.has(reason)) metrics.refused.inc({ source: name, reason });
      else metrics.badLines.inc({ source: name, reason });
      warn(`bad-${name}-${reason}`, { socket: name, reason, detail }, 'input line refused');
    },
  });
  const window = () => timeWindow(Date.now(), config.retention.http_logs_days, cfg.max_future_skew_ms);

  const tick = setInterval(() => {
    ingest.tick();
    batcher.tick();
    if (delivery.queued === 0 && batcher.buffered === 0) ledger.settled();
    durable.tick();
    delivery.updatePressure();
  }, tickMs);
  tick.unref();

  let metricsServer: Server | undefined;
  try {
    for (const name of ['http', 'network'] as const) {
      const source = new UnixSocketSource({
        name,
        path: config.sockets[name],
        mode: config.sockets.mode,
        group: config.sockets.group,
        maxLineBytes: cfg.max_line_bytes,
        backlog: config.sockets.backlog,
        window,
      });
      await source.start(handlers(name));
      sources.push(source);
    }
    const port = opts.metricsPort ?? cfg.metrics_port;
    if (port > 0) metricsServer = await serveMetrics(registry, port);
  } catch (err) {
    clearInterval(tick);
    await Promise.all(sources.map((s) => s.close()));
    await delivery.close();
    await durable.close();
    await sink.close();
    throw err;
  }
  const address = metricsServer?.address() as AddressInfo | undefined;
  log.info(
    { http: config.sockets.http, network: config.sockets.network, sink: sink.name, metrics: address?.port },
    'correlator listening',
  );

  let closing: Promise<void> | undefined;
  return {
    registry,
    metricsAddress: address ? `${address.address}:${address.port}` : undefined,
    join,
    status: () => ({
      pending: join.pending,
      connections: join.connections,
      queuedBatches: delivery.queued,
      spoolBatches: ledger.unconfirmedBatches,
      rowsWritten,
      deadLetters: deadLetter.status(),
      log: { bytes: segments.bytes, segments: segments.segments.length },
    }),
    close() {
      closing ??= (async () => {
        await Promise.all(sources.map((s) => s.close()));
        clearInterval(tick);
        ingest.drain();
        batcher.flush();
        await delivery.close();
        if (delivery.queued === 0) ledger.settled();
        durable.tick();
        await durable.close();
        await deadLetter.close();
        await sink.close();
        if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        log.info(
          { rows_written: rowsWritten, unconfirmed_batches: ledger.unconfirmedBatches },
          'correlator stopped',
        );
      })();
      return closing;
    },
  };
}

/**
 * Before the sockets open: batches an earlier run left unconfirmed go first (a spool of an older
 * version included), then the request lines it logged that reached no batch, through the join.
 */
async function replayLog(
  dir: string,
  segments: SegmentLog,
  ledger: LogLedger,
  durable: DurableLog,
  delivery: Delivery,
  ingest: Ingest,
  log: Logger,
): Promise<void> {
  const report = await recover(segments, ledger, {
    batch: (id, rows, ref) => delivery.submitRecovered(id, rows, ref),
    line: (ev, line, exact) => ingest.replay(ev, line, exact),
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
