export type { Batch } from './batch.js';
export type { BatchLog, BatchRef } from './batch-log.js';
export type { Clock } from './clock.js';
export type { DeadLetter, DeadLetterEntry, DeadLetterStatus } from './dead-letter.js';
export type {
  BadLineReason,
  EventSource,
  InputEvent,
  RefusalReason,
  SourceHandlers,
} from './event-source.js';
export type { RowSink } from './sink.js';
