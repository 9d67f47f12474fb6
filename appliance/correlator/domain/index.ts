export { Batcher, type BatcherOptions } from './batcher.js';
export { connectionKey, normaliseIp } from './connection-key.js';
export { ConnectionJoin, type JoinOptions, type RowEmitter } from './join.js';
export { emptyJoinStats, type JoinStats } from './join-stats.js';
export { buildRow, NO_TLS_FRAGMENT, rowLine, tlsFragment } from './row.js';
