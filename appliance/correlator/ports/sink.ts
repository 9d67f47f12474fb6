import type { Batch } from './batch.js';

/** Where batches go: ClickHouse, a JSON-lines file, stdout. */
export interface RowSink {
  readonly name: string;
  /**
   * Writes the whole batch or throws. Must be idempotent per `batch.id` where the store allows it
   * (the ClickHouse sink is: deduplication token); a throw means "maybe not written".
   */
  write(batch: Batch): Promise<void>;
  /**
   * Why a write failed: 'rows' when the store refused something in the batch (split it to find
   * the rows), 'transient' when it was not the rows (an outage: retry the same batch). A sink
   * without this treats every failure as transient.
   */
  classify?(err: unknown): 'transient' | 'rows';
  close(): Promise<void>;
}
