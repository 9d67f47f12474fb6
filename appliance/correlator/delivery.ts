import type { Batch } from './ports/batch.js';
import type { RowSink } from './ports/sink.js';
import type { Spool } from './ports/spool.js';

const EMPTY: Batch = { id: '', rows: 0, body: '' };

export interface DeliveryOptions {
  retryMinMs: number;
  retryMaxMs: number;
  /**
   * Batches held in memory before they spill to the spool (a slow sink); at twice this, when the
   * spool cannot take them either, input is paused.
   */
  maxQueuedBatches: number;
}

/** What delivery reports; metrics.ts and the logger implement it. */
export interface DeliveryObserver {
  written(batch: Batch, ms: number, replayed: boolean): void;
  failed(batch: Batch, err: unknown): void;
  spooled(batch: Batch): void;
  spoolRefused(batch: Batch, err: unknown): void;
  /** true: stop reading input; false: read again. */
  pressure(on: boolean): void;
  /** Rows given up at close because neither the sink nor the spool took them. */
  lost(batch: Batch, err: unknown): void;
}

/**
 * Moves batches to the sink, one at a time and in order. When a write fails the batch goes to the
 * spool, and so does every batch after it until the spool is empty again: the spool is replayed
 * oldest first, each batch with its own id (the deduplication token), so order holds and a batch
 * whose failed write had in fact landed is not inserted twice. When neither the sink nor the spool
 * takes batches, they wait in memory up to twice `maxQueuedBatches`, then input is paused
 * (producers drop and count, by their design); nothing already accepted is dropped. A sink that is
 * up but slower than the input makes batches spill to the spool past `maxQueuedBatches`.
 */
export class Delivery {
  private queue: Batch[] = [];
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  /** Set by a failed write: later batches go through the spool until it drains. */
  private failing = false;
  private paused = false;
  private closed = false;

  constructor(
    private readonly sink: RowSink,
    private readonly spool: Spool,
    private readonly opts: DeliveryOptions,
    private readonly observer: DeliveryObserver,
  ) {
    this.retryMs = opts.retryMinMs;
  }

  /** Batches waiting in memory. */
  get queued(): number {
    return this.queue.length;
  }

  /** Starts replaying what an earlier run left in the spool. */
  start(): void {
    this.kick();
  }

  submit(batch: Batch): void {
    this.queue.push(batch);
    this.updatePressure();
    this.kick();
  }

  /**
   * Stops retrying, waits up to `waitMs` for a write in flight, then gives every queued batch one
   * chance: the sink if it is healthy and answered in time, else the spool (the next run replays
   * it). A batch whose write is still in flight is spooled too: if that write lands after all, the
   * replay carries the same id and is deduplicated. Only what neither takes is lost, and reported.
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
    for (const batch of this.queue.splice(0)) {
      if (!this.failing && this.spool.count === 0 && (await this.tryWrite(batch, false))) continue;
      this.failing = true;
      try {
        await this.spool.push(batch);
        this.observer.spooled(batch);
      } catch (err) {
        this.observer.lost(batch, err);
      }
    }
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
    while (!this.closed) {
      if (this.failing || this.spool.count > 0) {
        if (!(await this.moveQueueToSpool()) && this.spool.count === 0) {
          // The spool takes nothing and holds nothing: try the sink directly with what is in memory.
          this.failing = false;
          continue;
        }
        let head: Batch | undefined;
        try {
          head = await this.spool.peek();
        } catch (err) {
          this.observer.spoolRefused(this.queue[0] ?? EMPTY, err);
          return this.scheduleRetry();
        }
        if (!head) {
          this.failing = false;
          continue;
        }
        if (!(await this.tryWrite(head, true))) return this.scheduleRetry();
        try {
          await this.spool.shift(head.id);
        } catch (err) {
          // Written but still spooled: the replay resends it with the same token, which dedups it.
          this.observer.spoolRefused(head, err);
          return this.scheduleRetry();
        }
        this.failing = false;
        continue;
      }
      if (this.queue.length > this.opts.maxQueuedBatches) {
        // The sink is up but slower than the input: spill to disk rather than pause the input.
        await this.moveQueueToSpool();
        if (this.spool.count > 0) continue;
      }
      const batch = this.queue[0];
      if (!batch) return;
      if (await this.tryWrite(batch, false)) {
        if (this.queue[0] === batch) this.queue.shift();
        this.updatePressure();
        continue;
      }
      this.failing = true;
      await this.moveQueueToSpool();
      return this.scheduleRetry();
    }
  }

  /** Returns false when the spool refused (full or failing); the rest then waits in memory. */
  private async moveQueueToSpool(): Promise<boolean> {
    while (this.queue.length > 0) {
      const batch = this.queue[0];
      try {
        await this.spool.push(batch);
      } catch (err) {
        this.observer.spoolRefused(batch, err);
        this.updatePressure();
        return false;
      }
      if (this.queue[0] === batch) this.queue.shift();
      this.observer.spooled(batch);
    }
    this.updatePressure();
    return true;
  }

  private async tryWrite(batch: Batch, replayed: boolean): Promise<boolean> {
    const started = performance.now();
    try {
      await this.sink.write(batch);
    } catch (err) {
      this.observer.failed(batch, err);
      return false;
    }
    this.observer.written(batch, performance.now() - started, replayed);
    this.retryMs = this.opts.retryMinMs;
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

  /** Input pauses at twice the in-memory bound (the spool refuses, or spilling lags) and resumes under it. */
  private updatePressure(): void {
    const on = this.queue.length >= 2 * this.opts.maxQueuedBatches;
    const off = this.queue.length < this.opts.maxQueuedBatches;
    if (on && !this.paused) {
      this.paused = true;
      this.observer.pressure(true);
    } else if (off && this.paused) {
      this.paused = false;
      this.observer.pressure(false);
    }
  }
}
