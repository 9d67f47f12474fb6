import type { Batch } from './batch.js';

/** Durable FIFO of batches the sink could not take. */
export interface Spool {
  /** Appends durably (returns after the batch would survive a crash). Throws SpoolFullError at the bound. */
  push(batch: Batch): Promise<void>;
  /** The oldest batch, without removing it. */
  peek(): Promise<Batch | undefined>;
  /** Removes the oldest batch once it is written. */
  shift(id: string): Promise<void>;
  readonly count: number;
  readonly bytes: number;
}
