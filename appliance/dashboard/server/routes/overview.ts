import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient, Config } from '../../../common/index.js';
import { overview } from '../queries/overview.js';
import { sourceStep } from '../queries/traffic-source.js';
import { parseRange, rangeQuerySchema } from '../time-range.js';

export interface RouteContext {
  ch: ClickHouseClient;
  config: Config;
}

export async function overviewRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: { range?: string; from?: number; to?: number } }>(
    '/api/overview',
    {
      schema: { querystring: { type: 'object', additionalProperties: false, properties: rangeQuerySchema } },
    },
    async (req) => {
      const range = parseRange(req.query);
      // The series' real bucket width: 5 minutes up to 6 hours, hourly above (agg_overview_5m).
      return { range: { ...range, step: sourceStep(range) }, ...(await overview(ctx.ch, range)) };
    },
  );
}
