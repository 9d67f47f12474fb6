import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DashboardMetrics } from '../metrics.js';

/**
 * Counts every answered request by its matched route pattern, and serves the registry as
 * Prometheus text on GET /metrics: to an admin session, or to a scraper sending
 * `Authorization: Bearer <dashboard.metrics_token>` (route config `scrape`).
 */
export const metricsPlugin = fp(async (app: FastifyInstance, opts: { metrics: DashboardMetrics }) => {
  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.request(
      req.method,
      req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched'),
      reply.statusCode,
    );
  });
  app.get('/metrics', { config: { scrape: true } }, async (_req, reply) =>
    reply
      .header('content-type', opts.metrics.registry.contentType)
      .send(await opts.metrics.registry.metrics()),
  );
});
