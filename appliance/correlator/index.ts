export * from './adapters/index.js';
export { Delivery, type DeliveryObserver, type DeliveryOptions } from './delivery.js';
export * from './domain/index.js';
export * from './errors.js';
export { type CorrelatorMetrics, createCorrelatorMetrics } from './metrics.js';
export type * from './ports/index.js';
export { type CorrelatorHandle, type CorrelatorOptions, startCorrelator } from './service.js';
