import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipDetail } from '../../../../../../appliance/dashboard/server/queries/ip-detail.js';
import { type SeededAppliance, seededAppliance } from '../../../../../helpers/seeded-appliance.js';

// ipDetail shares two GROUPING SETS scans between six groupings; each is checked here against its
// own plain query on http_logs.

let env: SeededAppliance;
let ip = '';
const range = { from: 0, to: 0, step: 900 };

async function q<T>(query: string): Promise<T[]> {
  const rs = await env.ch.client.query({
    query,
    query_params: { ip, from: range.from, to: range.to },
    format: 'JSONEachRow',
  });
  return rs.json<T>();
}
const WHERE =
  'client_ip = {ip:String} AND ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)';

beforeAll(async () => {
  env = await seededAppliance('ja4-dash-ip-');
  range.to = Math.floor(Date.now() / 1000) + 60;
  range.from = range.to - 86400;
  // The busiest address of the seed: several paths, statuses and hours.
  const [top] = await q<{ ip: string }>(
    'SELECT client_ip AS ip FROM ja4_processing.http_logs GROUP BY ip ORDER BY count() DESC, ip LIMIT 1',
  );
  ip = top.ip;
}, 240_000);
afterAll(async () => env?.close());

describe('ipDetail against plain queries on http_logs', () => {
  it('sums, timeline, statuses, paths, fingerprints and user agents', async () => {
    const d = await ipDetail(env.ch.client, ip, range);
    const [sum] = await q<{ n: string; asn: number }>(
      `SELECT count() AS n, any(asn) AS asn FROM ja4_processing.http_logs WHERE ${WHERE}`,
    );
    expect(Number(sum.n)).toBeGreaterThan(10);
    expect(d.summary.requests).toBe(Number(sum.n));
    expect(Number(d.summary.asn)).toBe(Number(sum.asn));

    const timeline = await q<{ t: number; hits: string }>(
      `SELECT toUnixTimestamp(toStartOfInterval(ts, INTERVAL 900 SECOND)) AS t, count() AS hits
       FROM ja4_processing.http_logs WHERE ${WHERE} GROUP BY t ORDER BY t`,
    );
    // The timeline has every bucket of the range; the non-empty ones are the query's.
    const points = d.timeline.t.map((t, i) => [t, d.timeline.hits[i]]).filter(([, hits]) => hits > 0);
    expect(points).toEqual(timeline.map((x) => [Number(x.t), Number(x.hits)]));

    const statuses = await q<{ status: number; hits: string }>(
      `SELECT status, count() AS hits FROM ja4_processing.http_logs WHERE ${WHERE} GROUP BY status ORDER BY status`,
    );
    expect(d.statuses).toEqual(statuses.map((x) => ({ status: Number(x.status), hits: Number(x.hits) })));

    const hitsBy = async (col: string, limit: number) =>
      (
        await q<{ k: string; hits: string }>(
          `SELECT ${col} AS k, count() AS hits FROM ja4_processing.http_logs WHERE ${WHERE}
           GROUP BY k ORDER BY hits DESC, k LIMIT ${limit}`,
        )
      ).map((x) => [x.k, Number(x.hits)]);
    expect(d.paths.map((x) => [x.path, Number(x.hits)])).toEqual(await hitsBy('path', 25));
    expect(d.fingerprints.map((x) => [x.ja4, Number(x.hits)])).toEqual(await hitsBy('ja4', 20));
    expect(d.user_agents.map((x) => [x.user_agent, Number(x.hits)])).toEqual(await hitsBy('user_agent', 20));
  });

  it('says zero requests for an address with none in the range', async () => {
    const d = await ipDetail(env.ch.client, '203.0.113.254', range);
    expect(d.summary.requests).toBe(0);
    expect(d.timeline.hits.every((h) => h === 0)).toBe(true);
    expect(d.paths).toEqual([]);
  });
});
