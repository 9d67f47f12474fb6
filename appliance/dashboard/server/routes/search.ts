import type { FastifyInstance } from 'fastify';
import { search } from '../queries/search.js';
import { classifySearch } from '../search-kind.js';
import { parseRange, rangeQuerySchema } from '../time-range.js';
import type { RouteContext } from './overview.js';

export async function searchRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: { q: string; range?: string; from?: number; to?: number } }>(
    '/api/search',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: { ...rangeQuerySchema, q: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (req) => {
      const kind = classifySearch(req.query.q);
      const range = parseRange({ range: '7d', ...req.query });
      return { ...kind, range, results: await search(ctx.ch, kind, range) };
    },
  );
}
