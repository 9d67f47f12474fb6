import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import {
  ClickHouseSink,
  FileSink,
  FsSpool,
  StdoutSink,
  systemClock,
  timeWindow,
  UnixSocketSource,
} from './adapters/index.js';
import { Delivery, type DeliveryObserver } from './delivery.js';
import { Batcher } from './domain/batcher.js';
import { ConnectionJoin } from './domain/join.js';
import { SinkConfigError } from './errors.js';
import { createCorrelatorMetrics } from './metrics.js';
import type {
  BadLineReason,
  Clock,
  EventSource,
  InputEvent,
  RefusalReason,
  RowSink,
  SourceHandlers,
} from './ports/index.js';

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

export interface CorrelatorHandle {
  readonly registry: Registry;
  /** host:port of /metrics when served. */
  readonly metricsAddress?: string;
  readonly join: ConnectionJoin;
  /** Snapshot for tests and `ja4 up` status lines. */
  status(): {
    pending: number;
    connections: number;
    queuedBatches: number;
    spoolBatches: number;
    rowsWritten: number;
  };
  /** Stops input, emits what waits, writes or spools every batch, closes the sink. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wires the correlator: two UNIX sockets → the join → batches → the sink, with the spool behind
 * it. Returns once the sockets listen. `ja4 correlator` and `ja4 up` both call this.
 */
export async function startCorrelator(opts: CorrelatorOptions): Promise<CorrelatorHandle> {
  const { config } = opts;
  const cfg = config.correlator;
  const log = opts.log.child({ service: 'correlator' });
  const warn = rateLimitedWarn(log);
  const clock = opts.clock ?? systemClock;
  const registry = opts.registry ?? createMetricsRegistry('correlator');
  const sink = opts.sink ?? createSink(config, opts.clickhouse);
  const spool = await FsSpool.open(cfg.spool_dir, cfg.spool_max_mb * 1024 * 1024);
  if (spool.count > 0)
    log.info({ batches: spool.count, bytes: spool.bytes }, 'spool holds batches; replaying');

  let rowsWritten = 0;
  const sources: UnixSocketSource[] = [];
  const delivery = new Delivery(
    sink,
    spool,
    { retryMinMs: cfg.retry_min_ms, retryMaxMs: cfg.retry_max_ms, maxQueuedBatches: cfg.max_queued_batches },
    observer(),
  );
  // A random run id: batch ids (deduplication tokens) must never repeat across restarts.
  const batcher = new Batcher(
    { maxRows: cfg.batch_rows, maxAgeMs: cfg.batch_age_ms, runId: randomBytes(8).toString('hex') },
    clock,
    (batch) => delivery.submit(batch),
  );
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
    spoolBatches: () => spool.count,
    spoolBytes: () => spool.bytes,
    producers: (name) => sources.find((s) => s.name === name)?.connections ?? 0,
  });

  function observer(): DeliveryObserver {
    return {
      written(batch, ms, replayed) {
        rowsWritten += batch.rows;
        metrics.batches.inc({ result: replayed ? 'replayed' : 'written' });
        metrics.rowsWritten.inc(batch.rows);
        metrics.insertSeconds.observe(ms / 1000);
        if (replayed)
          log.info({ batch: batch.id, rows: batch.rows, left: spool.count - 1 }, 'spooled batch replayed');
      },
      failed(batch, err) {
        metrics.batches.inc({ result: 'failed' });
        warn('sink-failed', { sink: sink.name, batch: batch.id, err }, 'sink write failed; spooling');
      },
      spooled() {
        metrics.batches.inc({ result: 'spooled' });
      },
      spoolRefused(batch, err) {
        warn('spool-refused', { batch: batch.id, err }, 'spool refused a batch; holding it in memory');
      },
      pressure(on) {
        metrics.inputPaused.set(on ? 1 : 0);
        if (on) log.warn({ queued: delivery.queued }, 'sink and spool behind: pausing input');
        else log.info('input resumed');
        for (const s of sources) on ? s.pause() : s.resume();
      },
      lost(batch, err) {
        metrics.batches.inc({ result: 'lost' });
        metrics.rowsLost.inc(batch.rows);
        log.error(
          { batch: batch.id, rows: batch.rows, err },
          'batch lost at close: neither sink nor spool took it',
        );
      },
    };
  }

  const filter = createIpFilter(config.filter);
  const handlers = (name: 'http' | 'network'): SourceHandlers => ({
    event(ev: InputEvent, line: string, exact: boolean) {
      if (ev.type === 'tls') return join.onTls(ev);
      if (!filter.keep(ev.client_ip)) return metrics.filtered.inc();
      join.onHttp(ev, exact ? line : undefined);
    },
    bad(reason: BadLineReason | RefusalReason, detail: string) {
      if (REFUSALS.has(reason)) metrics.refused.inc({ source: name, reason });
      else metrics.badLines.inc({ source: name, reason });
      warn(`bad-${name}-${reason}`, { socket: name, reason, detail }, 'input line refused');
    },
  });
  const window = () => timeWindow(Date.now(), config.retention.http_logs_days, cfg.max_future_skew_ms);

  delivery.start();
  const tick = setInterval(() => {
    join.tick();
    batcher.tick();
  }, opts.tickMs ?? Math.min(100, cfg.batch_age_ms));
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
    await sink.close();
    throw err;
  }
  const address = metricsServer?.address() as AddressInfo | undefined;
  log.info(
    { http: config.sockets.http, network: config.sockets.network, sink: sink.name, metrics: address?.port },
    'correlator listening',
  );

  let closing: Promise<void> | undefined;
  const sourceList: EventSource[] = sources;
  return {
    registry,
    metricsAddress: address ? `${address.address}:${address.port}` : undefined,
    join,
    status: () => ({
      pending: join.pending,
      connections: join.connections,
      queuedBatches: delivery.queued,
      spoolBatches: spool.count,
      rowsWritten,
    }),
    close() {
      closing ??= (async () => {
        await Promise.all(sourceList.map((s) => s.close()));
        clearInterval(tick);
        join.drain();
        batcher.flush();
        await delivery.close();
        await sink.close();
        if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        log.info({ rows_written: rowsWritten, spooled: spool.count }, 'correlator stopped');
      })();
      return closing;
    },
  };
}

function createSink(config: Config, clickhouse: ClickHouseHandle | undefined): RowSink {
  const cfg = config.correlator;
  switch (cfg.sink) {
    case 'clickhouse':
      if (!clickhouse) throw new SinkConfigError('sink = clickhouse needs an open ClickHouse handle');
      return new ClickHouseSink(clickhouse.client, { format: cfg.insert_format });
    case 'file':
      return new FileSink({
        path: cfg.file_path,
        maxBytes: cfg.file_max_mb * 1024 * 1024,
        keep: cfg.file_keep,
      });
    case 'stdout':
      return new StdoutSink();
  }
}
