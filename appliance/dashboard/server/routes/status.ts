import type { FastifyInstance } from 'fastify';
import { APPLIANCE_VERSION } from '../../../common/index.js';
import type { ServiceStatus, StatusResponse } from '../../api/status.js';
import type { DetectorLink } from '../detector-link.js';
import { clickhouseReport } from '../status/clickhouse.js';
import { detectorProbe } from '../status/detector.js';
import { type Probe, runProbe } from '../status/probe.js';
import { dashboardReport } from '../status/self.js';
import type { RouteContext } from './overview.js';
import { joinCounters } from './status-join.js';

export type { Probe, ProbeResult } from '../status/probe.js';

export interface StatusContext extends RouteContext {
  /** Probes of the services the host process runs (`ja4 up`: correlator, web host, sentinel). */
  probes: Record<string, Probe>;
  /** The detector's API, when this dashboard has one. */
  detector?: DetectorLink;
  /** The web app's directory (its build stamp is compared with the server's version). */
  webRoot: string;
}

/**
 * GET /api/status: every service with its state from its own signs of life, a sentence and its
 * figures (api/status.ts). ClickHouse, the detector and the dashboard are probed here; the
 * host process adds the ones it runs. Each probe has a deadline; one that fails is `down`.
 */
export async function statusRoutes(app: FastifyInstance, ctx: StatusContext) {
  const own: Record<string, Probe> = {
    clickhouse: () => clickhouseReport(ctx.ch),
    ...(ctx.detector ? { detector: () => detectorProbe(ctx.detector as DetectorLink) } : {}),
    dashboard: async () => dashboardReport(ctx.webRoot),
  };
  // In the order data flows: the host's (web host, sentinel, correlator), then these.
  const probes = { ...ctx.probes, ...own };
  app.get('/api/status', async (): Promise<StatusResponse> => {
    const names = Object.keys(probes);
    const [reports, join] = await Promise.all([
      Promise.all(names.map((n) => runProbe(probes[n]))),
      joinCounters(ctx.config),
    ]);
    const services: ServiceStatus[] = names.map((name, i) => ({ name, ...reports[i] }));
    return { version: APPLIANCE_VERSION, checked_at: new Date().toISOString(), services, join };
  });
}
