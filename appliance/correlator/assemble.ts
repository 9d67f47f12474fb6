import { randomBytes } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { type Config, createIpFilter, type Logger, type Registry } from '../common/index.js';
import { DeadLetterFile } from './adapters/dead-letter-file.js';
import { SegmentLog } from './adapters/segment-log.js';
import type { UnixSocketSource } from './adapters/unix-socket-source.js';
import { Delivery } from './delivery.js';
import { Batcher } from './domain/batcher.js';
import { ConnectionJoin } from './domain/join.js';
import { DurableLog } from './durable-log.js';
import { Ingest } from './ingest.js';
import { LogLedger } from './log-ledger.js';
import { type CorrelatorMetrics, createCorrelatorMetrics } from './metrics.js';
import { ModuleCounters } from './module-counters.js';
import { deliveryObserver, splitObserver } from './observers.js';
import type { Clock, RowSink } from './ports/index.js';
import { SplitWriter } from './split-writer.js';

const MB = 1024 * 1024;
/** Inserts tried for one refused batch before what still fails is dead-lettered whole (split-writer.ts). */
const SPLIT_MAX_INSERTS = 256;

type Warn = (key: string, fields: Record<string, unknown>, msg: string) => void;

export interface AssembleOptions {
  config: Config;
  log: Logger;
  warn: Warn;
  registry: Registry;
  sink: RowSink;
  clock: Clock;
  tickMs: number;
  /** Filled once the sockets listen; read by metrics and pressure. */
  sources: UnixSocketSource[];
}

/** Everything between the sockets and the sink, wired; nothing started yet. */
export interface Pipeline {
  segments: SegmentLog;
  ledger: LogLedger;
  durable: DurableLog;
  deadLetter: DeadLetterFile;
  join: ConnectionJoin;
  batcher: Batcher;
  delivery: Delivery;
  ingest: Ingest;
  metrics: CorrelatorMetrics;
  /** mod_reqin_log's counters from its stats lines, summed over Apache children. */
  module: ModuleCounters;
  /** Rows the sink took since start. */
  rowsWritten(): number;
}

/**
 * Builds the correlator's parts in dependency order (a part that reports to one built later only
 * calls it once input flows): the log and dead-letter file, the join, metrics, the writer and
 * delivery, the batcher, and the ingest that feeds the log and the join.
 */
export function assemble(o: AssembleOptions): Pipeline {
  const cfg = o.config.correlator;
  let rows = 0;
  const { segments, ledger, durable, deadLetter } = openLog(cfg, (err) => {
    metrics.logErrors.inc();
    o.warn('log-io', { err }, 'correlator log write failed');
  });
  const join = newJoin(cfg, o.clock, (row) => batcher.add(row));
  const module = new ModuleCounters();
  const metrics = createCorrelatorMetrics(o.registry, {
    module,
    stats: join.stats,
    connections: () => join.connections,
    pending: () => join.pending,
    queuedBatches: () => delivery.queued,
    spoolBatches: () => ledger.unconfirmedBatches,
    spoolBytes: () => segments.bytes,
    logSegments: () => segments.segments.length,
    deadLetterBytes: () => deadLetter.status().bytes,
    producers: (name) => o.sources.find((s) => s.name === name)?.connections ?? 0,
  });
  const delivery = newDelivery(o, deadLetter, durable, metrics, (n) => {
    rows += n;
  });
  // A random run id: batch ids (deduplication tokens) must never repeat across restarts.
  const batcher = new Batcher(
    { maxRows: cfg.batch_rows, maxAgeMs: cfg.batch_age_ms, runId: randomBytes(8).toString('hex') },
    o.clock,
    (batch) => delivery.submit(batch, durable.cut(batch)),
  );
  const ingest = new Ingest({
    join,
    log: durable,
    filter: createIpFilter(o.config.filter),
    clock: o.clock,
    graceMs: cfg.grace_ms,
    tickMs: o.tickMs,
    onFiltered: () => metrics.filtered.inc(),
    onLogged: (seconds) => metrics.readToLog.observe(seconds),
  });
  return {
    segments,
    ledger,
    durable,
    deadLetter,
    join,
    batcher,
    delivery,
    ingest,
    metrics,
    module,
    rowsWritten: () => rows,
  };
}

function newJoin(
  cfg: Config['correlator'],
  clock: Clock,
  emit: ConstructorParameters<typeof ConnectionJoin>[2],
) {
  return new ConnectionJoin(
    {
      idleWindowMs: cfg.idle_window_ms,
      graceMs: cfg.grace_ms,
      maxConnections: cfg.max_connections,
      maxPending: cfg.max_pending,
      joinOnServerIp: cfg.join_on_server_ip,
      toleranceUs: cfg.join_tolerance_us,
      handshakesPerKey: cfg.handshakes_per_key,
    },
    clock,
    emit,
  );
}

/** The writer (which splits refused batches) and the delivery that retries it or logs to disk. */
function newDelivery(
  o: AssembleOptions,
  deadLetter: DeadLetterFile,
  durable: DurableLog,
  metrics: CorrelatorMetrics,
  onRows: (n: number) => void,
): Delivery {
  const cfg = o.config.correlator;
  const observed = {
    metrics,
    log: o.log,
    warn: o.warn,
    sinkName: o.sink.name,
    queued: (): number => delivery.queued,
    pauseInput: (on: boolean) => {
      for (const s of o.sources) on ? s.pause() : s.resume();
    },
    onRows,
  };
  const writer = new SplitWriter(
    o.sink,
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
  return delivery;
}

/** The log in correlator.spool_dir, its ledger and fsync policy, and the dead-letter file. */
function openLog(cfg: Config['correlator'], onError: (err: unknown) => void) {
  const segments = SegmentLog.open(cfg.spool_dir, { segmentBytes: cfg.wal_segment_mb * MB });
  const ledger = new LogLedger(cfg.wal);
  const deadLetter = DeadLetterFile.open({
    path: cfg.dead_letter_path || joinPath(cfg.spool_dir, 'dead-letter.jsonl'),
    maxBytes: cfg.dead_letter_max_mb * MB,
    keep: cfg.dead_letter_keep,
  });
  const durable = new DurableLog(segments, ledger, {
    logInput: cfg.wal,
    fsync: cfg.wal_fsync,
    fsyncIntervalMs: cfg.wal_fsync_interval_ms,
    maxBytes: cfg.spool_max_mb * MB,
    onError,
  });
  return { segments, ledger, durable, deadLetter };
}

/** One tick: expire waiting requests, cut aged batches, settle the ledger, remove what is confirmed. */
export function tick(p: Pipeline): void {
  p.ingest.tick();
  p.batcher.tick();
  if (p.delivery.queued === 0 && p.batcher.buffered === 0) p.ledger.settled();
  p.durable.tick();
  p.delivery.updatePressure();
}

/** Shutdown after the sockets closed: every waiting request out, every batch written or logged. */
export async function drainAndClose(p: Pipeline, sink: RowSink): Promise<void> {
  p.ingest.drain();
  p.batcher.flush();
  await p.delivery.close();
  if (p.delivery.queued === 0) p.ledger.settled();
  p.durable.tick();
  await p.durable.close();
  await p.deadLetter.close();
  await sink.close();
}
