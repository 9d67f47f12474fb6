import type { Batch } from './batch.js';

/** Where a batch's record is in the log (segment, byte offset, length). */
export interface BatchRef {
  segment: number;
  offset: number;
  length: number;
}

/** The log as delivery sees it: batches recorded, read back, acknowledged. */
export interface BatchLog {
  /** Records a batch (handed to the kernel before it returns); throws when the log cannot take it. */
  record(batch: Batch): BatchRef;
  /** Resolves once what was recorded is durable as the fsync policy wants (or at once). */
  durable(): Promise<void>;
  /** A recorded batch, read back (its body was let go from memory). */
  read(ref: BatchRef): Promise<Batch>;
  /**
   * The sink confirmed the batch (`recorded`: it has a record in the log, which may go once its
   * segment holds nothing else needed).
   */
  ack(id: string, recorded: boolean): void;
  /** At the size bound (correlator.spool_max_mb): input should pause. */
  readonly full: boolean;
}
