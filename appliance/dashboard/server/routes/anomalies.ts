import type { FastifyInstance } from 'fastify';
import { APPLIANCE_VERSION } from '../../../common/index.js';
import {
  AnomaliesQuery,
  AnomaliesResponse,
  type AnomalyFilter,
  BlocklistQuery,
  ExportQuery,
  type FlaggedIp,
} from '../../api/index.js';
import { canonicalRows, renderBlocklist, toCsv } from '../blocklist.js';
import {
  type AnomalyQuery,
  exportAnomalies,
  type FlaggedIpRow,
  listAnomalies,
} from '../queries/anomalies.js';
import { blocklistSources } from '../queries/blocklist-sources.js';
import { pageDecisions } from '../queries/triage-read.js';
import { reasonList } from '../reasons.js';
import { parseRange, type TimeRange } from '../time-range.js';
import { pageEcho, pageOf, type RouteContext } from './context.js';

const EXPORT_CAP = 100_000;

/** The query's filter with its defaults; known bots are left out unless asked for. */
function filterOf(q: AnomalyFilter): AnomalyQuery {
  return {
    q: q.q,
    min_score: q.min_score,
    asn_label: q.asn_label,
    bots: q.bots ?? 'exclude',
    sort: q.sort ?? 'score',
    order: q.order ?? 'desc',
  };
}

/**
 * API rows: reasons as a list, with the analyst's state and label of each address (`touched`: the
 * addresses an analyst touched in the range, when known; otherwise looked up).
 */
async function withDecisions(
  ctx: RouteContext,
  r: TimeRange,
  rows: FlaggedIpRow[],
  touched?: string[],
): Promise<FlaggedIp[]> {
  const decided = await pageDecisions(
    ctx.ch,
    r,
    rows.map((x) => x.src_ip),
    touched,
  );
  return rows.map(({ reasons, reasons_json, ...x }) => ({
    ...x,
    reasons: reasonList(reasons_json, reasons),
    state: decided.get(x.src_ip)?.state ?? 'new',
    label: decided.get(x.src_ip)?.label ?? '',
  }));
}

export async function anomaliesRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: AnomaliesQuery }>(
    '/api/anomalies',
    { schema: { querystring: AnomaliesQuery, response: { 200: AnomaliesResponse } } },
    async (req): Promise<AnomaliesResponse> => {
      const range = parseRange(req.query);
      const page = await listAnomalies(ctx.ch, range, filterOf(req.query), pageOf(req.query));
      const rows = await withDecisions(ctx, range, page.rows, page.decided);
      return { range, ...pageEcho(req.query, page.total), rows };
    },
  );

  app.get<{ Querystring: ExportQuery }>(
    '/api/anomalies/export',
    { schema: { querystring: ExportQuery } },
    async (req, reply) => {
      const range = parseRange(req.query);
      const exported = await exportAnomalies(ctx.ch, range, filterOf(req.query), EXPORT_CAP);
      const { rows, dropped } = canonicalRows(exported);
      if (dropped > 0) req.log.warn({ dropped }, 'export: rows with a non-canonical address left out');
      const out = await withDecisions(ctx, range, rows);
      const format = req.query.format ?? 'csv';
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header('content-disposition', `attachment; filename="ja4-anomalies-${stamp}.${format}"`);
      if (format === 'json') return reply.type('application/json').send(JSON.stringify(out, null, 2));
      return reply.type('text/csv; charset=utf-8').send(toCsv(out));
    },
  );

  app.get<{ Querystring: BlocklistQuery }>(
    '/api/blocklist',
    { schema: { querystring: BlocklistQuery } },
    async (req, reply) => {
      const range = parseRange(req.query);
      const format = req.query.format ?? 'plain';
      const f = filterOf(req.query);
      const { rows, ja4s, deny } = await blocklistSources(
        ctx.ch,
        range,
        f,
        EXPORT_CAP,
        format === 'ja4' || format === 'json',
      );
      const header = `ja4-platform ${APPLIANCE_VERSION} blocklist, ${new Date(range.from * 1000).toISOString()} to ${new Date(range.to * 1000).toISOString()}, filter ${JSON.stringify(filterText(f))}, plus the deny list`;
      const body = renderBlocklist(
        format,
        [...rows.map((r) => r.src_ip), ...deny.ips],
        [...ja4s.map((j) => j.ja4), ...deny.ja4s],
        header,
        deny.cidrs,
      );
      const ext = format === 'json' ? 'json' : format === 'nginx' ? 'conf' : 'txt';
      reply.header('content-disposition', `attachment; filename="ja4-blocklist-${format}.${ext}"`);
      return reply.type(ext === 'json' ? 'application/json' : 'text/plain; charset=utf-8').send(body);
    },
  );
}

/** The filter as one line for a blocklist's header (newlines can not reach it: JSON-escaped). */
function filterText(f: AnomalyQuery): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(f).filter(([k, v]) => v !== undefined && v !== '' && k !== 'sort' && k !== 'order'),
  );
}
