import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { APPLIANCE_VERSION, bearerMatches, type Logger, type Registry } from '../common/index.js';
import type { Scheduler } from './scheduler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Detector routes answered without the API token (liveness and readiness probes). */
    public?: boolean;
  }
}

/**
 * The detector's HTTP API (detector.host:detector.port). Every route but /health and /ready
 * needs `Authorization: Bearer <detector.api_token>` (RFC 6750); so does any unknown path:
 *   GET  /health   the process is up (public)
 *   GET  /ready    ClickHouse answers and the detector's tables exist, 503 otherwise (public;
 *                  the reason only with the token, since it may name hosts)
 *   GET  /metrics  Prometheus text
 *   GET  /status   last cycle, baseline size, rows scored, anomalies, durations, next cycle
 *   POST /run      202 `started` with the cycle id; while a cycle runs, 202 `queued` (one more
 *                  cycle will follow it) or 200 `already_queued` (that one is already waiting)
 *   GET  /reference the reference lists in use: source, version, data date and age, rows, licence
 *                  and the attribution each requires (the dashboard shows them, and the footer
 *                  credits the IP→ASN data)
 */
export interface DetectorApiDeps {
  scheduler: Scheduler;
  registry: Registry;
  /** Resolves { ready: true } or { ready: false, reason }. */
  readiness: () => Promise<{ ready: boolean; reason?: string }>;
  /** The bearer token every non-public route needs. */
  token: string;
  /** The reference lists as last loaded (reference_lists). */
  references?: () => Promise<unknown[]>;
  log: Logger;
}

const ROUTES = 'try /health, /ready, /metrics, /status, /reference, POST /run';

export function buildDetectorApi(deps: DetectorApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const authorized: Authorized = (header) => bearerMatches(header, deps.token);
  requireToken(app, authorized);
  probeRoutes(app, deps, authorized);
  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', deps.registry.contentType).send(await deps.registry.metrics());
  });
  app.get('/status', async () => ({ version: APPLIANCE_VERSION, ...deps.scheduler.status() }));
  app.get('/reference', async () => ({ lists: deps.references ? await deps.references() : [] }));
  runRoute(app, deps);
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ message: `no route ${req.method} ${req.url.split('?')[0]}: ${ROUTES}` }),
  );
  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    req.log.error({ err, method: req.method, url: req.url }, 'detector API error');
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({ message: status >= 500 ? 'internal error' : err.message });
  });
  return app;
}

type Authorized = (header: string | undefined) => boolean;

/**
 * Deny by default, from the matched route: before any body is read, so a cross-site no-cors
 * POST (which cannot carry an Authorization header) starts nothing.
 */
function requireToken(app: FastifyInstance, authorized: Authorized): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!req.is404 && req.routeOptions.config.public) return;
    if (authorized(req.headers.authorization)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="ja4-detector"')
      .send({ message: 'the detector API needs Authorization: Bearer <detector.api_token>' });
  });
}

/** Liveness and readiness, public; the reason for not being ready only with the token. */
function probeRoutes(app: FastifyInstance, deps: DetectorApiDeps, authorized: Authorized): void {
  app.get('/health', { config: { public: true } }, async () => ({
    status: 'ok',
    service: 'detector',
    version: APPLIANCE_VERSION,
  }));
  app.get('/ready', { config: { public: true } }, async (req, reply) => {
    const r = await deps.readiness();
    const body = authorized(req.headers.authorization) ? r : { ready: r.ready };
    return reply.code(r.ready ? 200 : 503).send(body);
  });
}

function runRoute(app: FastifyInstance, deps: DetectorApiDeps): void {
  app.post('/run', async (_req, reply) => {
    const r = deps.scheduler.trigger();
    if (r.state === 'started')
      return reply.code(202).send({ started: true, state: r.state, cycle_id: r.cycle_id });
    const running = `cycle ${r.running.cycle_id}, started ${r.running.started_at}`;
    const message =
      r.state === 'queued'
        ? `a detector cycle is running (${running}); one more will start when it ends`
        : `a detector cycle is running (${running}) and one more is already queued`;
    return reply
      .code(r.state === 'queued' ? 202 : 200)
      .send({ started: false, state: r.state, message, running: r.running });
  });
}
