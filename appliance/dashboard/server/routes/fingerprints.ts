import type { FastifyInstance } from 'fastify';
import {
  EntityPageQuery,
  EntityRangeQuery,
  FingerprintIpsResponse,
  FingerprintResponse,
  T,
} from '../../api/index.js';
import { badQuery } from '../../errors.js';
import { JA4_SHAPE } from '../blocklist.js';
import { decodeJa4 } from '../ja4-decode.js';
import { fingerprintDetail, fingerprintIps } from '../queries/fingerprint-detail.js';
import { parseRange } from '../time-range.js';
import { pageEcho, pageOf, type RouteContext } from './context.js';

const Ja4Params = T.Object({ ja4: T.String({ maxLength: 64 }) });

function ja4Of(text: string): string {
  if (!JA4_SHAPE.test(text))
    throw badQuery(`"${text}" is not a JA4 (a_b_c, e.g. t13d1516h2_8daaf6152771_e5627efa2ab1)`);
  return text;
}

export async function fingerprintRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Params: { ja4: string }; Querystring: EntityRangeQuery }>(
    '/api/fingerprints/:ja4',
    { schema: { params: Ja4Params, querystring: EntityRangeQuery, response: { 200: FingerprintResponse } } },
    async (req): Promise<FingerprintResponse> => {
      const ja4 = ja4Of(req.params.ja4);
      const range = parseRange(req.query);
      return { range, decoded: decodeJa4(ja4), ...(await fingerprintDetail(ctx.ch, ja4, range)) };
    },
  );
  app.get<{ Params: { ja4: string }; Querystring: EntityPageQuery }>(
    '/api/fingerprints/:ja4/ips',
    {
      schema: { params: Ja4Params, querystring: EntityPageQuery, response: { 200: FingerprintIpsResponse } },
    },
    async (req): Promise<FingerprintIpsResponse> => {
      const ja4 = ja4Of(req.params.ja4);
      const { total, estimated, rows } = await fingerprintIps(
        ctx.ch,
        ja4,
        parseRange(req.query),
        pageOf(req.query),
      );
      return { ...pageEcho(req.query, total, estimated), rows };
    },
  );
}
