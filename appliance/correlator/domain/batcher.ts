import type { Batch } from '../ports/batch.js';
import type { Clock } from '../ports/clock.js';

export interface BatcherOptions {
  maxRows: number;
  maxAgeMs: number;
  /** Unique per process run (random), so ids never repeat across restarts. */
  runId: string;
}

/**
 * Groups rows into batches by size and age. A batch's id is `<runId>-<seq>`: stable from the
 * moment it is cut, so a spooled and replayed batch carries the same deduplication token.
 */
export class Batcher {
  private lines: string[] = [];
  private openedAt = 0;
  private seq = 0;

  constructor(
    private readonly opts: BatcherOptions,
    private readonly clock: Clock,
    private readonly onBatch: (batch: Batch) => void,
  ) {}

  get buffered(): number {
    return this.lines.length;
  }

  /**
   * Adds one row's JSON line. JSON.stringify escapes every control character, so a line never
   * holds a raw newline, and one line is one row for LineAsString and JSONEachRow alike.
   */
  add(line: string): void {
    if (this.lines.length === 0) this.openedAt = this.clock.now();
    this.lines.push(line);
    if (this.lines.length >= this.opts.maxRows) this.cut();
  }

  /** Cuts the open batch if it is older than the age bound. */
  tick(): void {
    if (this.lines.length > 0 && this.clock.now() - this.openedAt >= this.opts.maxAgeMs) this.cut();
  }

  /** Cuts whatever is open (shutdown). */
  flush(): void {
    if (this.lines.length > 0) this.cut();
  }

  private cut(): void {
    const lines = this.lines;
    this.lines = [];
    this.seq++;
    this.onBatch({ id: `${this.opts.runId}-${this.seq}`, rows: lines.length, body: `${lines.join('\n')}\n` });
  }
}
