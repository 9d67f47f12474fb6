export type { Batch } from './batch.js';
export type { Clock } from './clock.js';
export type {
  BadLineReason,
  EventSource,
  InputEvent,
  RefusalReason,
  SourceHandlers,
} from './event-source.js';
export type { RowSink } from './sink.js';
export type { Spool } from './spool.js';
