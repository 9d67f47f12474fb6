import { LogRecordError } from './errors.js';
import type { Batch } from './ports/batch.js';
import type { BatchLog, BatchRef } from './ports/batch-log.js';
import type { WriteResult } from './split-writer.js';

export interface DeliveryOptions {
  retryMinMs: number;
  retryMaxMs: number;
  /** Batch bodies held in memory; past it the rest are read back from the log when their turn comes. */
  maxQueuedBatches: number;
}

/** Writes a batch whole, or its good rows with the refused ones dead-lettered; throws on an outage. */
export interface BatchWriter {
  write(batch: Batch): Promise<WriteResult>;
}

/** What delivery reports; the service turns it into metrics, log lines and the log's bookkeeping. */
export interface DeliveryObserver {
  written(batch: Batch, ms: number, replayed: boolean, result: WriteResult): void;
  failed(batch: Batch, err: unknown): void;
  /** Recorded in the log only because it could not be delivered at once (input not logged). */
  spooled(batch: Batch): void;
  logRefused(batch: Batch, err: unknown): void;
  /** true: stop reading input; false: read again. */
  pressure(on: boolean): void;
  /** Rows given up at close because neither the sink nor the log took them. */
  lost(batch: Batch, err: unknown): void;
}

interface Entry {
  id: string;
  rows: number;
  /** In memory until its turn, or let go and read back from the log. */
  body: string | undefined;
  ref: BatchRef | undefined;
  /** From an earlier run's log. */
  replayed: boolean;
}

/**
 * Moves batches to the sink one at a time, in order. A batch that fails for an outage stays at
 * the head and is retried with backoff (retry_min_ms doubling to retry_max_ms); the ones behind
 * it wait. Every batch is in the log before it is sent when input lines are logged (the default),
 * else it is recorded there only when it cannot be delivered at once (the head is failing or
 * more than `maxQueuedBatches` wait) or at close; either way the next run sends what the log
 * holds unconfirmed, with the same id (the deduplication token), so a batch whose failed write
 * had in fact landed is not stored twice. Input pauses when the log is at its size bound, or
 * when batches pile up in memory because the log refuses them; nothing accepted is dropped.
 */
export class Delivery {
  private queue: Entry[] = [];
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private paused = false;
  private closed = false;
  private failing = false;

  constructor(
    private readonly writer: BatchWriter,
    private readonly log: BatchLog,
    private readonly opts: DeliveryOptions,
    private readonly observer: DeliveryObserver,
  ) {
    this.retryMs = opts.retryMinMs;
  }

  /** Batches waiting (in memory or read back from the log when their turn comes). */
  get queued(): number {
    return this.queue.length;
  }

  /** Unconfirmed batches whose record is in the log. */
  get logged(): number {
    let n = 0;
    for (const e of this.queue) if (e.ref) n++;
    return n;
  }

  /** A new batch; `ref` when it was recorded in the log at its cut. */
  submit(batch: Batch, ref?: BatchRef): void {
    this.queue.push({ id: batch.id, rows: batch.rows, body: batch.body, ref, replayed: false });
    this.trim();
    this.kick();
  }

  /** A batch an earlier run left unconfirmed in the log; sent before anything new. */
  submitRecovered(id: string, rows: number, ref: BatchRef): void {
    this.queue.push({ id, rows, body: undefined, ref, replayed: true });
    this.kick();
  }

  /**
   * Stops retrying and waits up to `waitMs` for a write in flight. Then, if the sink answered
   * the last write, every queued batch gets one try; what is left (and a batch whose write is
   * still in flight: if it lands after all, its replay is deduplicated) is recorded in the log
   * for the next run. Only what neither takes is lost, and reported.
   */
  async close(waitMs = 5_000): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      (this.running ?? Promise.resolve()).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), waitMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.failing = true;
    while (!this.failing && this.queue.length > 0 && (await this.deliverHead())) {}
    if (!this.logThrough(this.queue.length - 1)) {
      for (const e of this.queue)
        if (!e.ref) this.observer.lost({ id: e.id, rows: e.rows, body: '' }, 'log refused');
    }
    this.queue = [];
    await this.log.durable().catch(() => undefined);
  }

  private kick(): void {
    if (this.running || this.retryTimer || this.closed) return;
    this.running = this.pump().finally(() => {
      this.running = undefined;
      // A batch submitted during the last await of pump() must not wait for the next submit.
      if (!this.retryTimer && this.queue.length > 0 && !this.closed) this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (!this.closed && this.queue.length > 0) {
      if (!(await this.deliverHead())) return this.scheduleRetry();
    }
  }

  /** Writes the head; true when it is confirmed and gone. */
  private async deliverHead(): Promise<boolean> {
    const head = this.queue[0];
    let batch: Batch;
    try {
      batch = await this.load(head);
    } catch (err) {
      if (err instanceof LogRecordError) {
        // Damaged on disk: retrying cannot read it back, and it must not hold up what follows.
        this.queue.shift();
        this.observer.lost({ id: head.id, rows: head.rows, body: '' }, err);
        this.log.ack(head.id, true);
        return true;
      }
      this.observer.logRefused({ id: head.id, rows: head.rows, body: '' }, err);
      this.failing = true;
      return false;
    }
    const started = performance.now();
    let result: WriteResult;
    try {
      // A batch goes out only once its record is durable (fsync policy "batch"): after a power
      // cut the log never lacks a batch that ClickHouse has.
      if (head.ref) await this.log.durable();
      result = await this.writer.write(batch);
    } catch (err) {
      this.observer.failed(batch, err);
      this.failing = true;
      this.trim();
      return false;
    }
    this.failing = false;
    this.retryMs = this.opts.retryMinMs;
    if (this.queue[0] === head) this.queue.shift();
    this.log.ack(head.id, head.ref !== undefined);
    this.observer.written(batch, performance.now() - started, head.replayed, result);
    this.trim();
    return true;
  }

  private async load(e: Entry): Promise<Batch> {
    if (e.body !== undefined) return { id: e.id, rows: e.rows, body: e.body };
    const batch = await this.log.read(e.ref!);
    return batch;
  }

  /**
   * Keeps at most `maxQueuedBatches` bodies in memory: the others are let go once their record is
   * in the log. While the head fails every batch is logged (they may wait long). Batches are
   * logged in queue order, so the next run resends them in the order they were cut.
   */
  private trim(): void {
    let last = this.failing ? this.queue.length - 1 : -1;
    for (let i = this.queue.length - 1; i >= this.opts.maxQueuedBatches && last < 0; i--) {
      if (this.queue[i].body !== undefined) last = i;
    }
    if (last >= 0 && this.logThrough(last)) {
      for (let i = this.opts.maxQueuedBatches; i < this.queue.length; i++) this.queue[i].body = undefined;
    }
    this.updatePressure();
  }

  /** Records every batch up to index `last` that is not in the log yet; false when the log refused one. */
  private logThrough(last: number): boolean {
    for (let i = 0; i <= last; i++) {
      const e = this.queue[i];
      if (e.ref) continue;
      const batch = { id: e.id, rows: e.rows, body: e.body ?? '' };
      try {
        e.ref = this.log.record(batch);
        this.observer.spooled(batch);
      } catch (err) {
        this.observer.logRefused(batch, err);
        return false;
      }
    }
    return true;
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, wait);
    this.retryTimer.unref?.();
  }

  /** Pauses input at the log's size bound, or when unlogged batches reach twice the memory bound. */
  updatePressure(): void {
    let inMemoryOnly = 0;
    for (const e of this.queue) if (!e.ref) inMemoryOnly++;
    const on = this.log.full || inMemoryOnly >= 2 * this.opts.maxQueuedBatches;
    const off = !this.log.full && inMemoryOnly < this.opts.maxQueuedBatches;
    if (on && !this.paused) {
      this.paused = true;
      this.observer.pressure(true);
    } else if (off && this.paused) {
      this.paused = false;
      this.observer.pressure(false);
    }
  }
}
