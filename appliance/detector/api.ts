import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { APPLIANCE_VERSION, type Logger, type Registry } from '../common/index.js';
import type { Scheduler } from './scheduler.js';

/**
 * The detector's HTTP API (detector.host:detector.port):
 *   GET  /health   the process is up
 *   GET  /ready    ClickHouse answers and the detector's tables exist (503 otherwise)
 *   GET  /metrics  Prometheus text
 *   GET  /status   last cycle, baseline size, rows scored, anomalies, durations, next cycle
 *   POST /run      start a cycle now: 202 with its id, or 409 naming the cycle already running
 */
export interface DetectorApiDeps {
  scheduler: Scheduler;
  registry: Registry;
  /** Resolves { ready: true } or { ready: false, reason }. */
  readiness: () => Promise<{ ready: boolean; reason?: string }>;
  log: Logger;
}

export function buildDetectorApi(deps: DetectorApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.get('/health', async () => ({ status: 'ok', service: 'detector', version: APPLIANCE_VERSION }));

  app.get('/ready', async (_req, reply) => {
    const r = await deps.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });

  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', deps.registry.contentType).send(await deps.registry.metrics());
  });

  app.get('/status', async () => ({ version: APPLIANCE_VERSION, ...deps.scheduler.status() }));

  app.post('/run', async (_req, reply) => {
    const r = deps.scheduler.trigger();
    if (r.started) return reply.code(202).send({ started: true, cycle_id: r.cycle_id });
    return reply.code(409).send({
      started: false,
      message: `a detector cycle is already running (cycle ${r.running.cycle_id}, started ${r.running.started_at})`,
      running: r.running,
    });
  });

  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({
      message: `no route ${req.method} ${req.url}: try /health, /ready, /metrics, /status, POST /run`,
    }),
  );
  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    req.log.error({ err, method: req.method, url: req.url }, 'detector API error');
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({ message: status >= 500 ? 'internal error' : err.message });
  });
  return app;
}
