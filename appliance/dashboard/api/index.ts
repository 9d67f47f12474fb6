/** The dashboard API's shapes, shared by the fastify server and the web app. */
export * from './anomalies.js';
export * from './common.js';
export * from './entities.js';
export * from './overview.js';
export * from './schema.js';
export * from './search.js';
export * from './status.js';
export * from './triage.js';
