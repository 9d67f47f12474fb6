import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../../appliance/common/index.js';
import { migrateUp } from '../../../../../../appliance/common/migrate/index.js';
import { search } from '../../../../../../appliance/dashboard/server/queries/search.js';
import { parseSearch } from '../../../../../../appliance/dashboard/server/search-kind.js';
import { openTempEmbedded } from '../../../../../helpers/clickhouse.js';

// A rollup search over thousands of addresses (more than a top-k sketch would keep), checked
// against plain queries on the rollup: the busiest address first, every address counted, every
// page a distinct slice of one exact ranking.

let ch: ClickHouseHandle;
const hour0 = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
const range = { from: hour0, to: hour0 + 3 * 3600, step: 900 };
const BUSY = '10.0.0.1';
const OTHERS = 6000;

async function q<T>(query: string): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: range, format: 'JSONEachRow' });
  return rs.json<T>();
}

beforeAll(async () => {
  ch = await openTempEmbedded('ja4-dash-search-');
  await migrateUp(ch.client);
  const row = (ip: string, hour: string, hits: string, ja4: string) =>
    `SELECT toDateTime(${hour}, 'UTC') AS hour, 'shop.example' AS host, ${ip} AS src_ip, ${ja4} AS ja4,
            toUInt64(${hits}) AS hits, toDateTime64(${hour}, 6, 'UTC') AS first_seen,
            toDateTime64(${hour}, 6, 'UTC') + 1 AS last_seen, toUInt32(64500) AS asn`;
  await ch.client.command({
    query: `INSERT INTO ja4_processing.agg_host_ip_ja4_1h (hour, host, src_ip, ja4, hits, first_seen, last_seen, asn)
            ${row(`'${BUSY}'`, String(hour0), '10', "'t13d1516h2_8daaf6152771_e5627efa2ab1'")}
            UNION ALL
            ${row(
              "concat('10.1.', toString(intDiv(number, 250)), '.', toString(number % 250))",
              `${hour0} + 3600 * (number % 3)`,
              '1',
              "if(number % 2 = 0, 't13d1516h2_8daaf6152771_e5627efa2ab1', 't13d1715h2_5b57614c22b0_3d5424432f57')",
            )} FROM numbers(${OTHERS})`,
  });
}, 240_000);
afterAll(async () => ch?.close());

describe('search on the rollup against plain queries', () => {
  it('ranks the busiest addresses exactly and counts every address and JA4', async () => {
    const { terms } = parseSearch('cidr:10.0.0.0/8');
    const found = await search(ch.client, terms, range, { offset: 0, limit: 5 });
    expect(found.total).toBe(OTHERS + 1);
    expect(found.rows[0]).toMatchObject({ ip: BUSY, hits: 10, asn: 64500 });
    expect(found.rows.slice(1).map((r) => r.hits)).toEqual([1, 1, 1, 1]);
    const ja4s = await q<{ ja4: string; hits: number; ips: number }>(
      `SELECT ja4, toUInt32(sum(hits)) AS hits, toUInt32(uniqExact(src_ip)) AS ips
       FROM ja4_processing.agg_host_ip_ja4_1h GROUP BY ja4 ORDER BY hits DESC, ja4`,
    );
    expect(found.ja4s).toEqual(ja4s);
  });

  it('pages past the first page with the same total', async () => {
    const { terms } = parseSearch('cidr:10.1.0.0/16');
    const p1 = await search(ch.client, terms, range, { offset: 0, limit: 50 });
    const p2 = await search(ch.client, terms, range, { offset: 50, limit: 50 });
    expect(p1.total).toBe(OTHERS);
    expect(p2.total).toBe(OTHERS);
    const ips = [...p1.rows, ...p2.rows].map((r) => r.ip);
    expect(new Set(ips).size).toBe(100);
    // Ties at one request are ordered by address.
    expect(ips).toEqual([...ips].sort());
  });
});
