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

// What the aggregate must hold, computed straight from http_logs with exact counts.
const EXPECTED = `
  SELECT toString(toStartOfFiveMinutes(ts)) AS b, host, ja4, asn, toString(asn_label) AS asn_label,
         toUInt8(bot_ip_label != '' OR bot_ja4_label != '') AS bot, count() AS hits, uniqExact(client_ip) AS ips
  FROM ja4_processing.http_logs GROUP BY b, host, ja4, asn, asn_label, bot ORDER BY b, host, ja4, asn, bot`;
const STORED = `
  SELECT toString(bucket) AS b, host, ja4, asn, toString(asn_label) AS asn_label, toUInt8(known_bot) AS bot,
         sum(hits) AS hits, uniqCombinedMerge(ips_state) AS ips
  FROM ja4_processing.agg_overview_5m GROUP BY b, host, ja4, asn, asn_label, bot ORDER BY b, host, ja4, asn, bot`;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-overview-5m'));
  await migrateUp(handle.client);
  await loadDictionaries(handle.client);
  await insertLines(batch1, 'ov-batch-1');
  await insertLines(batch2, 'ov-batch-2');
});
afterAll(async () => cleanup?.());

describe('http_logs -> mv_agg_overview_5m -> agg_overview_5m', () => {
  it('holds every request once per 5 minutes, host, JA4, AS and bot flag, with exact small IP counts', async () => {
    const expected = await rows<Record<string, unknown>>(handle, EXPECTED);
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.some((r) => Number(r.bot) === 1)).toBe(true);
    expect(await rows(handle, STORED)).toEqual(expected);
  });

  it('drops a replayed batch here too (insert deduplication token)', async () => {
    const before = await rows(handle, STORED);
    await insertLines(batch1, 'ov-batch-1');
    expect(await rows(handle, STORED)).toEqual(before);
  });

  it("is refilled identically by the benchmark's backfill (the view's own SELECT)", async () => {
    const before = await rows(handle, STORED);
    await handle.client.command({ query: 'TRUNCATE TABLE ja4_processing.agg_overview_5m' });
    expect(await rows(handle, STORED)).toEqual([]);
    await handle.client.command({ query: backfillSql(), clickhouse_settings: { async_insert: 0 } });
    expect(await rows(handle, STORED)).toEqual(before);
  });
});
