import { batchPayload, parseBatchPayload, type RecordKind } from './adapters/log-record.js';
import type { SegmentLog } from './adapters/segment-log.js';
import { LogRecordError } from './errors.js';
import type { LogLedger } from './log-ledger.js';
import type { Batch } from './ports/batch.js';
import type { BatchLog, BatchRef } from './ports/batch-log.js';

export type FsyncPolicy = 'batch' | 'interval' | 'never';

export interface DurableLogOptions {
  /** Log every accepted input line before the join (correlator.wal); else batches only when they must wait. */
  logInput: boolean;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** correlator.spool_max_mb: at this size input pauses until confirmed segments are removed. */
  maxBytes: number;
  /** A write or removal failed (counted and logged by the caller; the service keeps running). */
  onError(err: unknown): void;
}

/**
 * The log as the service uses it: input lines as they are read, batches at their cut, their
 * acknowledgements, the fsync policy (Fluent Bit's `storage.sync normal|full`, Vector's flush
 * interval) and the removal of segments the ledger says are no longer needed.
 *
 * fsync policies: `batch` (default) syncs when a batch is recorded and a batch is sent only once
 * synced, so after a power cut the log holds every batch ClickHouse has and every line read up to
 * the last cut; `interval` syncs every `fsyncIntervalMs`; `never` leaves it to the kernel. A crash
 * of the process alone loses nothing under any policy: what was written is in the page cache.
 */
export class DurableLog implements BatchLog {
  private syncing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private removing = false;

  constructor(
    readonly segments: SegmentLog,
    readonly ledger: LogLedger,
    private readonly opts: DurableLogOptions,
  ) {
    if (opts.fsync === 'interval') {
      this.timer = setInterval(() => this.sync(), opts.fsyncIntervalMs);
      this.timer.unref();
    }
  }

  get logsInput(): boolean {
    return this.opts.logInput;
  }

  get full(): boolean {
    return this.segments.bytes >= this.opts.maxBytes;
  }

  /** One accepted input line (buffered: `flush()` after each read). */
  input(kind: 'http' | 'tls', line: string): void {
    if (!this.opts.logInput) return;
    let segment: number;
    try {
      segment = this.segments.append(kind, line).segment;
    } catch (err) {
      // No segment could be opened (disk full, permissions): the line is joined all the same.
      this.opts.onError(err);
      return;
    }
    if (kind === 'http') this.ledger.http(segment);
    else this.ledger.tls(segment);
  }

  /** Hands what was appended to the kernel. */
  flush(): void {
    try {
      this.segments.flush();
    } catch (err) {
      this.opts.onError(err);
    }
  }

  /** A batch was cut: recorded now when input is logged (undefined when not, or when the log failed). */
  cut(batch: Batch): BatchRef | undefined {
    if (!this.opts.logInput) {
      this.ledger.cut(batch.id);
      return undefined;
    }
    try {
      const ref = this.record(batch);
      this.ledger.cut(batch.id);
      return ref;
    } catch (err) {
      this.opts.onError(err);
      this.ledger.cut(batch.id);
      return undefined;
    }
  }

  record(batch: Batch): BatchRef {
    const ref = this.segments.append('batch', batchPayload(batch.id, batch.rows, batch.body));
    this.segments.flush();
    this.ledger.recorded(batch.id, ref.segment);
    if (this.opts.fsync === 'batch') this.sync();
    return ref;
  }

  durable(): Promise<void> {
    return this.opts.fsync === 'batch' ? this.syncing : Promise.resolve();
  }

  async read(ref: BatchRef): Promise<Batch> {
    const parsed = parseBatchPayload(await this.segments.read(ref));
    if (!parsed) throw new LogRecordError(this.segments.dir, ref.segment, ref.offset);
    return parsed;
  }

  ack(id: string, recorded: boolean): void {
    if (recorded) this.append('ack', id);
    this.ledger.confirm(id);
  }

  /** Flushes acknowledgements and removes the segments no longer needed (call it every tick). */
  tick(): void {
    this.flush();
    if (this.removing) return;
    const writing = this.segments.writing;
    let removable = this.ledger.removable(writing);
    // At the size bound with everything in the segment being written confirmed, that segment is
    // ended so it can go too: input must not stay paused on confirmed data.
    if (this.full && writing !== undefined && this.ledger.removable(undefined).includes(writing)) {
      this.segments.rotate();
      removable = this.ledger.removable(undefined);
    }
    if (removable.length === 0) return;
    this.removing = true;
    (async () => {
      for (const seq of removable) {
        await this.segments.remove(seq);
        this.ledger.forget(seq);
      }
    })()
      .catch((err) => this.opts.onError(err))
      .finally(() => {
        this.removing = false;
      });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      await this.segments.close();
    } catch (err) {
      this.opts.onError(err);
    }
  }

  private append(kind: RecordKind, payload: string): void {
    try {
      this.segments.append(kind, payload);
    } catch (err) {
      this.opts.onError(err);
    }
  }

  private sync(): void {
    this.syncing = this.segments.sync().catch((err) => this.opts.onError(err));
  }
}
