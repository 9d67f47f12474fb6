/** One row the store refused for a reason of its own (not an outage), with that reason. */
export interface DeadLetterEntry {
  /** The deduplication token of the smallest part the row was tried in. */
  batch: string;
  reason: string;
  /** The row exactly as it was sent. */
  line: string;
}

export interface DeadLetterStatus {
  /** Rows in the dead-letter files (the current one and the rotated ones kept). */
  rows: number;
  bytes: number;
  lastReason: string;
}

/** Where refused rows go: durable before the batch they came from is confirmed. */
export interface DeadLetter {
  write(entries: DeadLetterEntry[]): Promise<void>;
  status(): DeadLetterStatus;
  close(): Promise<void>;
}
