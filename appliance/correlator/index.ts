export * from './adapters/index.js';
export { type BatchWriter, Delivery, type DeliveryObserver, type DeliveryOptions } from './delivery.js';
export * from './domain/index.js';
export { DurableLog, type DurableLogOptions, type FsyncPolicy } from './durable-log.js';
export * from './errors.js';
export { LogLedger } from './log-ledger.js';
export { type CorrelatorMetrics, createCorrelatorMetrics } from './metrics.js';
export type * from './ports/index.js';
export {
  type CorrelatorHandle,
  type CorrelatorOptions,
  type CorrelatorStatus,
  startCorrelator,
} from './service.js';
export { SplitWriter, type SplitWriterOptions, type WriteResult } from './split-writer.js';
export { deadLetterSummary } from './status-lines.js';
