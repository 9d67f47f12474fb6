import type { AddressInfo } from 'node:net';
import type { ClickHouseClient, Config, Logger } from '../common/index.js';
import { buildApp } from './server/app.js';
import type { FirstAdmin } from './server/auth/users.js';
import type { DetectorLink } from './server/detector-link.js';
import type { Probe } from './server/routes/status.js';

export interface DashboardHandle {
  url: string;
  firstAdmin?: FirstAdmin;
  close(): Promise<void>;
}

export interface DashboardOptions {
  config: Config;
  clickhouse: ClickHouseClient;
  log: Logger;
  probes?: Record<string, Probe>;
  adminActions?: Record<string, () => Promise<unknown>>;
  /** The detector API (default: over HTTP at dashboard.detector_url with the detector's token). */
  detector?: DetectorLink;
  /** Directory of the built web app (default: dashboard.web_root, else web/dist beside the server). */
  webRoot?: string;
}

/** Starts the dashboard (API + built web app) on dashboard.host:dashboard.port. */
export async function startDashboard(opts: DashboardOptions): Promise<DashboardHandle> {
  const log = opts.log.child({ service: 'dashboard' });
  const { app, firstAdmin } = await buildApp({ ...opts, log });
  await app.listen({ port: opts.config.dashboard.port, host: opts.config.dashboard.host });
  const { port, address } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return { url: `http://${host}:${port}/`, firstAdmin, close: () => app.close() };
}

/**
 * Health probes for services running elsewhere, from their configured metrics ports, in the order
 * data flows (sentinel, correlator); a port of 0 means the service serves none, and it gets no
 * row. The detector is probed through the dashboard's detector link.
 */
export function remoteProbes(config: Config): Record<string, Probe> {
  const probe =
    (url: string): Probe =>
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(2500) });
      return { ok: res.ok, detail: `${url} answered ${res.status}` };
    };
  const probes: Record<string, Probe> = {};
  if (config.sentinel.metrics_port > 0) {
    probes.sentinel = probe(`http://127.0.0.1:${config.sentinel.metrics_port}/metrics`);
  }
  if (config.correlator.metrics_port > 0) {
    probes.correlator = probe(`http://127.0.0.1:${config.correlator.metrics_port}/metrics`);
  }
  return probes;
}

/** The one-time message that hands the first admin's generated password to the operator. */
export function firstAdminMessage(admin: FirstAdmin | undefined): string | undefined {
  if (!admin) return undefined;
  if (admin.generatedPassword) {
    return `dashboard: created user "${admin.username}" with password ${admin.generatedPassword} (shown once; set dashboard.users or JA4_DASHBOARD_ADMIN_PASSWORD to choose your own)`;
  }
  return `dashboard: created user "${admin.username}" with the password from dashboard.admin_password`;
}
