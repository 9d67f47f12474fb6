import type { FastifyInstance } from 'fastify';
import { APPLIANCE_VERSION } from '../../../common/index.js';
import {
  BLOCKLIST_FORMATS,
  type BlocklistFormat,
  canonicalRows,
  renderBlocklist,
  toCsv,
} from '../blocklist.js';
import {
  ANOMALY_SORTS,
  type AnomalyFilter,
  blocklistSources,
  exportAnomalies,
  listAnomalies,
} from '../queries/anomalies.js';
import { parseRange, rangeQuerySchema } from '../time-range.js';
import type { RouteContext } from './overview.js';

const EXPORT_CAP = 100_000;

const filterSchema = {
  ...rangeQuerySchema,
  q: { type: 'string', maxLength: 200 },
  min_score: { type: 'number', minimum: 0, maximum: 1 },
  asn_label: { type: 'string', maxLength: 32 },
  sort: { type: 'string', enum: ANOMALY_SORTS, default: 'score' },
  order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
} as const;

type FilterQuery = AnomalyFilter & { range?: string; from?: number; to?: number };

export async function anomaliesRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: FilterQuery & { page: number; page_size: number } }>(
    '/api/anomalies',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...filterSchema,
            page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
            page_size: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
      },
    },
    async (req) => {
      const range = parseRange(req.query);
      const { page, page_size } = req.query;
      const result = await listAnomalies(ctx.ch, range, req.query, {
        offset: (page - 1) * page_size,
        limit: page_size,
      });
      return { range, page, page_size, ...result };
    },
  );

  app.get<{ Querystring: FilterQuery & { format: 'csv' | 'json' } }>(
    '/api/anomalies/export',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...filterSchema, format: { type: 'string', enum: ['csv', 'json'], default: 'csv' } },
        },
      },
    },
    async (req, reply) => {
      const exported = await exportAnomalies(ctx.ch, parseRange(req.query), req.query, EXPORT_CAP);
      const { rows, dropped } = canonicalRows(exported);
      if (dropped > 0) req.log.warn({ dropped }, 'export: rows with a non-canonical address left out');
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header(
        'content-disposition',
        `attachment; filename="ja4-anomalies-${stamp}.${req.query.format}"`,
      );
      if (req.query.format === 'json')
        return reply.type('application/json').send(JSON.stringify(rows, null, 2));
      return reply.type('text/csv; charset=utf-8').send(toCsv(rows));
    },
  );

  app.get<{
    Querystring: { range?: string; from?: number; to?: number; format: BlocklistFormat; min_score: number };
  }>(
    '/api/blocklist',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...rangeQuerySchema,
            format: { type: 'string', enum: BLOCKLIST_FORMATS, default: 'plain' },
            min_score: { type: 'number', minimum: 0, maximum: 1, default: 0 },
          },
        },
      },
    },
    async (req, reply) => {
      const range = parseRange(req.query);
      const { rows, ja4s } = await blocklistSources(
        ctx.ch,
        range,
        req.query.min_score,
        EXPORT_CAP,
        req.query.format === 'ja4' || req.query.format === 'json',
      );
      const header = `ja4-platform ${APPLIANCE_VERSION} blocklist, ${new Date(range.from * 1000).toISOString()} to ${new Date(range.to * 1000).toISOString()}, min score ${req.query.min_score}`;
      const body = renderBlocklist(
        req.query.format,
        rows.map((r) => r.src_ip),
        ja4s.map((j) => j.ja4),
        header,
      );
      const ext = req.query.format === 'json' ? 'json' : req.query.format === 'nginx' ? 'conf' : 'txt';
      reply.header('content-disposition', `attachment; filename="ja4-blocklist-${req.query.format}.${ext}"`);
      return reply.type(ext === 'json' ? 'application/json' : 'text/plain; charset=utf-8').send(body);
    },
  );
}
