import type { FastifyInstance } from 'fastify';
import { badQuery } from '../../errors.js';
import { canonicalIp } from '../canonical-ip.js';
import { ipDetail } from '../queries/ip-detail.js';
import { parseRange, rangeQuerySchema } from '../time-range.js';
import type { RouteContext } from './overview.js';

export async function ipRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Params: { ip: string }; Querystring: { range?: string; from?: number; to?: number } }>(
    '/api/ips/:ip',
    {
      schema: {
        params: { type: 'object', properties: { ip: { type: 'string', maxLength: 64 } } },
        querystring: { type: 'object', additionalProperties: false, properties: rangeQuerySchema },
      },
    },
    async (req) => {
      const ip = canonicalIp(req.params.ip);
      if (ip === undefined)
        throw badQuery(
          `"${req.params.ip}" is not an IPv4 address in dotted decimal or an IPv6 address without a zone`,
        );
      const range = parseRange(req.query);
      return { ip, range, ...(await ipDetail(ctx.ch, ip, range)) };
    },
  );
}
