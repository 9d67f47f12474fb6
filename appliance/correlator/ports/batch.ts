/**
 * A batch of output rows: JSON lines, each one correlatedRowSchema row, newline-terminated.
 * `id` is stable for the batch's whole life (memory, spool, replay) and is what the ClickHouse
 * sink sends as insert_deduplication_token, so a replay of a batch that did land is dropped.
 */
export interface Batch {
  id: string;
  rows: number;
  body: string;
}
