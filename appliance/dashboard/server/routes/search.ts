import type { FastifyInstance } from 'fastify';
import { SearchQuery, SearchResponse } from '../../api/index.js';
import { search } from '../queries/search.js';
import { parseSearch } from '../search-kind.js';
import { parseRange } from '../time-range.js';
import { pageEcho, pageOf, type RouteContext } from './context.js';

export async function searchRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: SearchQuery }>(
    '/api/search',
    { schema: { querystring: SearchQuery, response: { 200: SearchResponse } } },
    async (req): Promise<SearchResponse> => {
      const { terms, errors } = parseSearch(req.query.q);
      const range = parseRange({ range: '24h', ...req.query });
      const found = await search(ctx.ch, terms, range, pageOf(req.query));
      return {
        range,
        terms,
        errors,
        ...pageEcho(req.query, found.total, found.total_estimated),
        rows: found.rows,
        ja4s: found.ja4s,
      };
    },
  );
}
