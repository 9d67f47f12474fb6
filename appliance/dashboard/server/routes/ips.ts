import type { FastifyInstance } from 'fastify';
import {
  EntityPageQuery,
  EntityRangeQuery,
  IpDetailResponse,
  IpRequestsResponse,
  T,
} from '../../api/index.js';
import { badQuery } from '../../errors.js';
import { canonicalIp } from '../canonical-ip.js';
import { ipDetail, ipRequests } from '../queries/ip-detail.js';
import { parseRange } from '../time-range.js';
import { pageEcho, pageOf, type RouteContext } from './context.js';

const IpParams = T.Object({ ip: T.String({ maxLength: 64 }) });

function ipOf(text: string): string {
  const ip = canonicalIp(text);
  if (ip === undefined)
    throw badQuery(`"${text}" is not an IPv4 address in dotted decimal or an IPv6 address without a zone`);
  return ip;
}

export async function ipRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Params: { ip: string }; Querystring: EntityRangeQuery }>(
    '/api/ips/:ip',
    { schema: { params: IpParams, querystring: EntityRangeQuery, response: { 200: IpDetailResponse } } },
    async (req): Promise<IpDetailResponse> => {
      const ip = ipOf(req.params.ip);
      const range = parseRange(req.query);
      return { ip, range, ...(await ipDetail(ctx.ch, ip, range)) };
    },
  );
  app.get<{ Params: { ip: string }; Querystring: EntityPageQuery }>(
    '/api/ips/:ip/requests',
    { schema: { params: IpParams, querystring: EntityPageQuery, response: { 200: IpRequestsResponse } } },
    async (req): Promise<IpRequestsResponse> => {
      const ip = ipOf(req.params.ip);
      const { total, rows } = await ipRequests(ctx.ch, ip, parseRange(req.query), pageOf(req.query));
      return { ...pageEcho(req.query, total), rows };
    },
  );
}
