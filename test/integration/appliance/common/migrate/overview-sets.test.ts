import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { loadDictionaries, migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { backfillSql } from '../../../../../scripts/lib/bench-dashboard-backfill.js';
import { batch1, batch2 } from './fixtures.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

async function insertLines(lines: string[], token: string) {
  await handle.client.command({
    query: `INSERT INTO ja4_processing.http_logs_raw (raw) FORMAT LineAsString\n${lines.join('\n')}\n`,
    clickhouse_settings: {
      insert_deduplication_token: token,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      async_insert: 0,
    },
  });
}

// What the aggregate must hold for one grain and grouping set, computed straight from http_logs
// with exact counts. `keys` are the set's columns; the others are stored as their defaults.
function expected(bucket: string, keys: string[]) {
  const col = (c: string, dflt: string) => (keys.includes(c) ? `toString(${c})` : dflt);
  return `
    SELECT toString(${bucket}) AS b, ${col('host', "''")} AS h, ${col('ja4', "''")} AS j, ${col('asn', "'0'")} AS a,
           ${col('asn_name', "''")} AS an, ${col('asn_label', "''")} AS al, count() AS hits,
           countIf(bot_ip_label != '' OR bot_ja4_label != '') AS known_bot_hits, uniqExact(client_ip) AS ips
    FROM ja4_processing.http_logs GROUP BY b, h, j, a, an, al ORDER BY b, h, j, a, an, al`;
}
function stored(grain: string, set: string) {
  return `
    SELECT toString(bucket) AS b, toString(host) AS h, toString(ja4) AS j, toString(asn) AS a,
           toString(asn_name) AS an, toString(asn_label) AS al, sum(hits) AS hits,
           sum(known_bot_hits) AS known_bot_hits, uniqCombinedMerge(12)(ips) AS ips
    FROM ja4_processing.agg_overview_sets WHERE grain = '${grain}' AND set = '${set}'
    GROUP BY b, h, j, a, an, al ORDER BY b, h, j, a, an, al`;
}
const SETS: Record<string, string[]> = {
  all: [],
  ja4: ['ja4'],
  host: ['host'],
  asn: ['asn', 'asn_name', 'asn_label'],
  host_ja4: ['host', 'ja4'],
};
const GRAINS: Record<string, string> = { '5m': 'toStartOfFiveMinutes(ts)', '1h': 'toStartOfHour(ts)' };

async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const g of Object.keys(GRAINS))
    for (const s of Object.keys(SETS)) out[`${g}/${s}`] = await rows(handle, stored(g, s));
  return out;
}

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-overview-sets'));
  await migrateUp(handle.client);
  await loadDictionaries(handle.client);
  await insertLines(batch1, 'ov-batch-1');
  await insertLines(batch2, 'ov-batch-2');
});
afterAll(async () => cleanup?.());

describe('http_logs -> mv_agg_overview_sets -> agg_overview_sets', () => {
  for (const [grain, bucket] of Object.entries(GRAINS)) {
    for (const [set, keys] of Object.entries(SETS)) {
      it(`holds every request once in grain ${grain}, set ${set}, with exact small IP counts`, async () => {
        const want = await rows<Record<string, unknown>>(handle, expected(bucket, keys));
        expect(want.length).toBeGreaterThan(0);
        expect(await rows(handle, stored(grain, set))).toEqual(want);
      });
    }
  }

  it('has known-bot requests and several buckets in the fixture (the comparisons above mean something)', async () => {
    const [r] = await rows<{ bots: string; buckets: string }>(
      handle,
      `SELECT sum(known_bot_hits) AS bots, uniqExact(bucket) AS buckets
       FROM ja4_processing.agg_overview_sets WHERE grain = '5m' AND set = 'all'`,
    );
    expect(Number(r.bots)).toBeGreaterThan(0);
    expect(Number(r.buckets)).toBeGreaterThan(1);
  });

  it('drops a replayed batch here too (insert deduplication token)', async () => {
    const before = await snapshot();
    await insertLines(batch1, 'ov-batch-1');
    expect(await snapshot()).toEqual(before);
  });

  it("is refilled identically by the benchmark's backfill (the view's own SELECT)", async () => {
    const before = await snapshot();
    await handle.client.command({ query: 'TRUNCATE TABLE ja4_processing.agg_overview_sets' });
    expect((await snapshot())['1h/all']).toEqual([]);
    await handle.client.command({
      query: backfillSql('agg_overview_sets'),
      clickhouse_settings: { async_insert: 0 },
    });
    expect(await snapshot()).toEqual(before);
  });
});
