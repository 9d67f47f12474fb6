import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient, Config } from '../../../common/index.js';
import { overview } from '../queries/overview.js';
import { sourceRange } from '../queries/traffic-source.js';
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
      // The range the overview covers: `from` aligned to its bucket (5 minutes up to 6 hours,
      // hourly above) and the series' real step.
      const { grain: _, ...covered } = sourceRange(range);
      return { range: covered, ...(await overview(ctx.ch, range)) };
    },
  );
}
