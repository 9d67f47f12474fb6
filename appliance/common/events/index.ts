export { type CorrelatedRow, correlatedRowSchema } from './correlated-row.js';
export { hasDuplicateKeys, membersKept, membersWritten } from './duplicate-keys.js';
export { type HttpEvent, httpEventSchema } from './http-event.js';
export { canonicalIp } from './ip-text.js';
export { type SynInfo, synSchema, type TlsEvent, tlsEventSchema } from './tls-event.js';
