export type {
  ServiceReport,
  ServiceState,
  ServiceStatus,
  StatusResponse,
  StatusValue,
} from './api/status.js';
export { buildApp, type DashboardDeps } from './server/app.js';
export { hashPassword } from './server/auth/passwords.js';
export type { DetectorAnswer, DetectorLink } from './server/detector-link.js';
export { WEB_DIST } from './server/plugins/static.js';
export type { RouteRule } from './server/route-rules.js';
export type { Probe, ProbeResult } from './server/routes/status.js';
export { report as serviceReport } from './server/status/probe.js';
export { ago, bytes, count, duration, NO_DATA, perSecond, until } from './server/status/words.js';
export { type DashboardHandle, firstAdminMessage, remoteProbes, startDashboard } from './service.js';
