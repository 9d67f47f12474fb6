import { join, resolve } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import {
  APPLIANCE_VERSION,
  type ClickHouseClient,
  type Config,
  createMetricsRegistry,
  type Logger,
  type Registry,
} from '../../common/index.js';
import { createAuditLog } from './auth/audit.js';
import { RevocationDir } from './auth/revocations.js';
import { sessionSecret } from './auth/session-secret.js';
import { SessionStore } from './auth/sessions.js';
import { type FirstAdmin, openUserStore } from './auth/users.js';
import { type DetectorLink, httpDetectorLink } from './detector-link.js';
import { errorHandler } from './error-handler.js';
import { createDashboardMetrics } from './metrics.js';
import { authPlugin, cookieWriter } from './plugins/auth.js';
import { metricsPlugin } from './plugins/metrics.js';
import { numericQueryPlugin } from './plugins/numeric-query.js';
import { securityPlugin } from './plugins/security.js';
import { staticPlugin, WEB_DIST } from './plugins/static.js';
import { type RouteRule, recordRoutes } from './route-rules.js';
import { adminRoutes } from './routes/admin.js';
import { anomaliesRoutes } from './routes/anomalies.js';
import { detectorRoutes } from './routes/detector.js';
import { fingerprintRoutes } from './routes/fingerprints.js';
import { ipRoutes } from './routes/ips.js';
import { overviewRoutes } from './routes/overview.js';
import { searchRoutes } from './routes/search.js';
import { sessionRoutes } from './routes/session.js';
import { type Probe, statusRoutes } from './routes/status.js';
import { triageRoutes } from './routes/triage.js';

export interface DashboardDeps {
  config: Config;
  clickhouse: ClickHouseClient;
  log: Logger;
  /** Health checks shown on the status page, by service name (the host process supplies them). */
  probes?: Record<string, Probe>;
  /** Work that needs the database while this process holds it (embedded mode under `ja4 up`). */
  adminActions?: Record<string, () => Promise<unknown>>;
  /** Directory of the built web app (default: dashboard.web_root, else web/dist next to this package). */
  webRoot?: string;
  /** The detector API, for the status and run routes (default: over HTTP, see detector-link.ts). */
  detector?: DetectorLink;
  /** Registry /metrics serves (default: a new one with the process metrics). */
  registry?: Registry;
}

/** Builds the dashboard's fastify app (no listen): tests drive it with app.inject(). */
export async function buildApp(
  deps: DashboardDeps,
): Promise<{ app: FastifyInstance; firstAdmin?: FirstAdmin; routes: RouteRule[] }> {
  const cfg = deps.config.dashboard;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: false,
    // close() ends browsers' keep-alive sockets instead of waiting out keepAliveTimeout (72 s):
    // the dashboard accepts no data, so nothing is lost.
    forceCloseConnections: true,
    // Refuse unknown query keys instead of silently dropping them (fastify's default).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  const routes = recordRoutes(app);
  const { store, firstAdmin } = await openUserStore(cfg);
  const ttlMs = cfg.session_ttl_minutes * 60_000;
  const metrics = createDashboardMetrics(deps.registry ?? createMetricsRegistry('dashboard'));
  const sessions = new SessionStore(
    sessionSecret(cfg.session_secret, cfg.state_dir),
    ttlMs,
    new RevocationDir(join(cfg.state_dir, 'revocations')),
  );

  app.setErrorHandler(errorHandler);

  await app.register(securityPlugin, { secureCookies: cfg.secure_cookies });
  await app.register(metricsPlugin, { metrics });
  await app.register(authPlugin, {
    sessions,
    secureCookies: cfg.secure_cookies,
    ttlMs,
    scrapeToken: cfg.metrics_token,
    metrics,
  });
  await app.register(numericQueryPlugin);
  await app.register(sessionRoutes, {
    users: store,
    sessions,
    audit: createAuditLog(cfg.state_dir, deps.log),
    loginPerMinute: cfg.login_rate_limit_per_minute,
    ttlMs,
    setCookie: cookieWriter(cfg.secure_cookies),
    metrics,
  });
  const webRoot = resolve(deps.webRoot ?? (cfg.web_root || WEB_DIST));
  await registerRoutes(app, deps, webRoot);
  await app.register(staticPlugin, { root: webRoot });
  return { app, firstAdmin, routes: routes() };
}

/** The API's data, status, admin and detector routes (each needs a session: none is public but health). */
async function registerRoutes(app: FastifyInstance, deps: DashboardDeps, webRoot: string): Promise<void> {
  app.get('/api/health', { config: { public: true } }, async () => ({
    ok: true,
    version: APPLIANCE_VERSION,
  }));
  const ctx = { ch: deps.clickhouse, config: deps.config };
  await app.register(overviewRoutes, ctx);
  await app.register(anomaliesRoutes, ctx);
  await app.register(ipRoutes, ctx);
  await app.register(fingerprintRoutes, ctx);
  await app.register(searchRoutes, ctx);
  await app.register(triageRoutes, ctx);
  const detector = deps.detector ?? httpDetectorLink(deps.config);
  await app.register(statusRoutes, { ...ctx, probes: deps.probes ?? {}, detector, webRoot });
  await app.register(adminRoutes, { actions: deps.adminActions ?? {} });
  await app.register(detectorRoutes, { link: detector });
}
