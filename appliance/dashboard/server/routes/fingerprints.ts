import type { FastifyInstance } from 'fastify';
import { badQuery } from '../../errors.js';
import { JA4_SHAPE } from '../blocklist.js';
import { decodeJa4 } from '../ja4-decode.js';
import { fingerprintDetail } from '../queries/fingerprint-detail.js';
import { parseRange, rangeQuerySchema } from '../time-range.js';
import type { RouteContext } from './overview.js';

export async function fingerprintRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Params: { ja4: string }; Querystring: { range?: string; from?: number; to?: number } }>(
    '/api/fingerprints/:ja4',
    {
      schema: {
        params: { type: 'object', properties: { ja4: { type: 'string', maxLength: 64 } } },
        querystring: { type: 'object', additionalProperties: false, properties: rangeQuerySchema },
      },
    },
    async (req) => {
      if (!JA4_SHAPE.test(req.params.ja4))
        throw badQuery(`"${req.params.ja4}" is not a JA4 (a_b_c, e.g. t13d1516h2_8daaf6152771_e5627efa2ab1)`);
      const range = parseRange(req.query);
      return {
        range,
        decoded: decodeJa4(req.params.ja4),
        ...(await fingerprintDetail(ctx.ch, req.params.ja4, range)),
      };
    },
  );
}
