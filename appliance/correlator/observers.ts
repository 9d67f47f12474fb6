import type { Logger } from '../common/index.js';
import { describeRefusal } from './adapters/clickhouse-refusal.js';
import type { DeliveryObserver } from './delivery.js';
import type { CorrelatorMetrics } from './metrics.js';
import type { SplitObserver } from './split-writer.js';

type Warn = (key: string, fields: Record<string, unknown>, msg: string) => void;

export interface ObserverDeps {
  metrics: CorrelatorMetrics;
  log: Logger;
  warn: Warn;
  sinkName: string;
  queued(): number;
  /** Stop (true) or resume (false) reading the sockets. */
  pauseInput(on: boolean): void;
  /** Rows the sink took, for status(). */
  onRows(n: number): void;
}

/** Delivery's reports as metrics and log lines (rate-limited where they repeat). */
export function deliveryObserver(d: ObserverDeps): DeliveryObserver {
  const { metrics, log, warn } = d;
  return {
    written(batch, ms, replayed, result) {
      d.onRows(result.written);
      metrics.batches.inc({ result: replayed ? 'replayed' : 'written' });
      metrics.rowsWritten.inc(result.written);
      metrics.insertSeconds.observe(ms / 1000);
      if (replayed) log.info({ batch: batch.id, rows: batch.rows }, 'batch from the log written');
    },
    failed(batch, err) {
      metrics.batches.inc({ result: 'failed' });
      warn(
        'sink-failed',
        { sink: d.sinkName, batch: batch.id, err: describeRefusal(err) },
        'sink write failed; retrying in order',
      );
    },
    spooled() {
      metrics.batches.inc({ result: 'spooled' });
    },
    logRefused(batch, err) {
      metrics.logErrors.inc();
      warn('log-refused', { batch: batch.id, err }, 'the log refused a batch; holding it in memory');
    },
    pressure(on) {
      metrics.inputPaused.set(on ? 1 : 0);
      if (on) log.warn({ queued: d.queued() }, 'sink and log behind: pausing input');
      else log.info('input resumed');
      d.pauseInput(on);
    },
    lost(batch, err) {
      metrics.batches.inc({ result: 'lost' });
      metrics.rowsLost.inc(batch.rows);
      log.error(
        { batch: batch.id, rows: batch.rows, err },
        'batch lost at close: neither sink nor log took it',
      );
    },
  };
}

/** The split writer's reports: a refused batch, and rows that went to the dead letters. */
export function splitObserver(d: ObserverDeps): SplitObserver {
  return {
    split(batch, err) {
      d.metrics.batches.inc({ result: 'split' });
      d.warn(
        'batch-split',
        { batch: batch.id, rows: batch.rows, err: describeRefusal(err) },
        'ClickHouse refused a batch for its rows; splitting it to write the good ones',
      );
    },
    deadLettered(entries) {
      d.metrics.deadLetterRows.inc(entries.length);
      d.warn(
        'dead-letter',
        { rows: entries.length, batch: entries[0]?.batch, reason: entries[0]?.reason },
        'rows refused by ClickHouse written to the dead-letter file',
      );
    },
  };
}
