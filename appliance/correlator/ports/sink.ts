import type { Batch } from './batch.js';

/** Where batches go: ClickHouse, a JSON-lines file, stdout. */
export interface RowSink {
  readonly name: string;
  /**
   * Writes the whole batch or throws. Must be idempotent per `batch.id` where the store allows it
   * (the ClickHouse sink is: deduplication token); a throw means "maybe not written".
   */
  write(batch: Batch): Promise<void>;
  close(): Promise<void>;
}
