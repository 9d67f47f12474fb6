export { type CorrelatedRow, correlatedRowSchema } from './correlated-row.js';
export { type HttpEvent, httpEventSchema } from './http-event.js';
export { type SynInfo, synSchema, type TlsEvent, tlsEventSchema } from './tls-event.js';
