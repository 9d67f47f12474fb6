import type { FastifyInstance } from 'fastify';
import {
  DetectionsQuery,
  DetectionsResponse,
  OverviewQuery,
  OverviewResponse,
  SignalsQuery,
  SignalsResponse,
} from '../../api/index.js';
import { anomalyScope } from '../queries/anomaly-scope.js';
import { scoreHistogram, topReasons } from '../queries/detections.js';
import { overview } from '../queries/overview.js';
import { ja4Signals } from '../queries/signals.js';
import { sourceRange } from '../queries/traffic-source.js';
import { parseRange } from '../time-range.js';
import { pageEcho, pageOf, type RouteContext } from './context.js';

export type { RouteContext };

export async function overviewRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: OverviewQuery }>(
    '/api/overview',
    { schema: { querystring: OverviewQuery, response: { 200: OverviewResponse } } },
    async (req): Promise<OverviewResponse> => {
      const range = parseRange(req.query);
      // The range the overview covers: `from` aligned to its bucket (5 minutes up to 6 hours,
      // hourly above) and the series' real step.
      const { grain: _, ...covered } = sourceRange(range);
      return { range: covered, ...(await overview(ctx.ch, range)) };
    },
  );

  app.get<{ Querystring: DetectionsQuery }>(
    '/api/overview/detections',
    { schema: { querystring: DetectionsQuery, response: { 200: DetectionsResponse } } },
    async (req): Promise<DetectionsResponse> => {
      const range = parseRange(req.query);
      const scope = await anomalyScope(ctx.ch, range, req.query.bots ?? 'exclude');
      const [histogram, reasons] = await Promise.all([
        scoreHistogram(ctx.ch, range, {}),
        topReasons(ctx.ch, range, scope),
      ]);
      return { range, ...histogram, top_reasons: reasons };
    },
  );

  app.get<{ Querystring: SignalsQuery }>(
    '/api/signals',
    { schema: { querystring: SignalsQuery, response: { 200: SignalsResponse } } },
    async (req): Promise<SignalsResponse> => {
      const range = parseRange(req.query);
      const q = req.query;
      const { total, rows } = await ja4Signals(
        ctx.ch,
        range,
        { sort: q.sort ?? 'requests', order: q.order ?? 'desc', newOnly: q.new_only ?? false },
        pageOf(q),
      );
      return { range, ...pageEcho(q, total), rows };
    },
  );
}
