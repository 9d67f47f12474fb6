import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import { APPLIANCE_VERSION, type ClickHouseClient, type Config, type Logger } from '../../common/index.js';
import { DashboardError } from '../errors.js';
import { createAuditLog } from './auth/audit.js';
import { sessionSecret } from './auth/session-secret.js';
import { SessionStore } from './auth/sessions.js';
import { type FirstAdmin, openUserStore } from './auth/users.js';
import { authPlugin } from './plugins/auth.js';
import { securityPlugin } from './plugins/security.js';
import { staticPlugin } from './plugins/static.js';
import { adminRoutes } from './routes/admin.js';
import { anomaliesRoutes } from './routes/anomalies.js';
import { fingerprintRoutes } from './routes/fingerprints.js';
import { ipRoutes } from './routes/ips.js';
import { overviewRoutes } from './routes/overview.js';
import { searchRoutes } from './routes/search.js';
import { type Probe, statusRoutes } from './routes/status.js';

export interface DashboardDeps {
  config: Config;
  clickhouse: ClickHouseClient;
  log: Logger;
  /** Health checks shown on the status page, by service name (the host process supplies them). */
  probes?: Record<string, Probe>;
  /** Work that needs the database while this process holds it (embedded mode under `ja4 up`). */
  adminActions?: Record<string, () => Promise<unknown>>;
  /** Directory of the built web app (default: web/dist next to this package). */
  webRoot?: string;
}

/** Builds the dashboard's fastify app (no listen): tests drive it with app.inject(). */
export async function buildApp(
  deps: DashboardDeps,
): Promise<{ app: FastifyInstance; firstAdmin?: FirstAdmin }> {
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
  const { store, firstAdmin } = await openUserStore(cfg);
  const ttlMs = cfg.session_ttl_minutes * 60_000;

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DashboardError) {
      return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message } });
    }
    if (err.validation) {
      return reply
        .code(400)
        .send({ error: { code: 'JA4_ERR_DASH_INPUT', message: `bad request: ${err.message}` } });
    }
    if (err.statusCode === 429) {
      return reply
        .code(429)
        .send({ error: { code: 'JA4_ERR_DASH_RATE_LIMIT', message: 'too many attempts: wait a minute' } });
    }
    req.log.error({ err, url: req.url }, 'dashboard request failed');
    return reply
      .code(500)
      .send({ error: { code: 'JA4_ERR_DASH_INTERNAL', message: 'internal error: see the dashboard log' } });
  });

  await app.register(securityPlugin);
  await app.register(authPlugin, {
    users: store,
    sessions: new SessionStore(sessionSecret(cfg.session_secret, cfg.state_dir), ttlMs),
    audit: createAuditLog(cfg.state_dir, deps.log),
    loginPerMinute: cfg.login_rate_limit_per_minute,
    secureCookies: cfg.secure_cookies,
    ttlMs,
  });
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
  await app.register(statusRoutes, { ...ctx, probes: deps.probes ?? {} });
  await app.register(adminRoutes, { actions: deps.adminActions ?? {} });
  await app.register(staticPlugin, { root: deps.webRoot });
  return { app, firstAdmin };
}
