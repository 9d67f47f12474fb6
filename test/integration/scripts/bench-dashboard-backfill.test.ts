import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseHandle, openClickHouse } from '../../../appliance/common/clickhouse.js';
import { defaultMigrationsDir, migrateUp } from '../../../appliance/common/migrate/index.js';
import { backfillAggregates } from '../../../scripts/lib/bench-dashboard-backfill.js';

/**
 * A benchmark data set built before migration 0031 (ml_detected_anomalies.reasons and the verdict
 * columns): after `--backfill-aggregates` no active part may lack a column, so the dashboard's
 * queries read the columns as a current detector writes them, not filled with defaults per read.
 */
let dir: string;
let oldMigrations: string;
/** The migrations before 0036 (which writes these columns out itself): a data set of that schema. */
let before0036: string;
let ch: ClickHouseHandle;

async function rows<T>(query: string): Promise<T[]> {
  const rs = await ch.client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Columns of ml_detected_anomalies that some active part lacks. */
const MISSING = `
  SELECT c.name AS name FROM system.columns AS c
  WHERE c.database = 'ja4_processing' AND c.table = 'ml_detected_anomalies'
    AND c.name NOT IN (SELECT column FROM system.parts_columns
                       WHERE active AND database = 'ja4_processing' AND table = 'ml_detected_anomalies'
                       GROUP BY column
                       HAVING count() = (SELECT count() FROM system.parts WHERE active
                                         AND database = 'ja4_processing' AND table = 'ml_detected_anomalies'))
  ORDER BY c.position`;

const CONTENT = `
  SELECT src_ip, toString(hour) AS hour, score, reason, toJSONString(reasons) AS reasons, verdict
  FROM ja4_processing.ml_detected_anomalies ORDER BY src_ip`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ja4-bench-backfill-'));
  // The migrations as they were before 0031.
  oldMigrations = mkdtempSync(join(tmpdir(), 'ja4-migrations-0030-'));
  before0036 = mkdtempSync(join(tmpdir(), 'ja4-migrations-0035-'));
  for (const f of readdirSync(defaultMigrationsDir())) {
    if (/^00(?:[0-2]\d|30)_.*\.sql$/.test(f))
      copyFileSync(join(defaultMigrationsDir(), f), join(oldMigrations, f));
    if (/^00(?:[0-2]\d|3[0-5])_.*\.sql$/.test(f))
      copyFileSync(join(defaultMigrationsDir(), f), join(before0036, f));
  }
  ch = await openClickHouse({
    url: `embedded:${dir}`,
    username: 'default',
    password: '',
    cluster: '',
    request_timeout_ms: 60_000,
  });
  await migrateUp(ch.client, { dir: oldMigrations });
  await ch.client.command({
    query: `INSERT INTO ja4_processing.ml_detected_anomalies
              (detected_at, hour, host, src_ip, ja4, score, threshold, cycle_id, requests, reason)
            SELECT now64(3), toStartOfHour(now()) - INTERVAL number % 3 HOUR, 'shop.example',
                   concat('198.51.100.', toString(number)), 't13d1516h2_8daaf6152771_02713d6af862',
                   0.5 + number / 100, 0.45, 'cycle-a', number + 1, concat('rate ', toString(number))
            FROM numbers(20)`,
  });
}, 120_000);

afterAll(async () => {
  await ch?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(oldMigrations, { recursive: true, force: true });
  rmSync(before0036, { recursive: true, force: true });
});

describe('bench:dashboard --backfill-aggregates on a data set older than the schema', () => {
  it('writes the columns a later migration added into the parts that predate them, data unchanged', async () => {
    await migrateUp(ch.client, { dir: before0036 });
    const missing = await rows<{ name: string }>(MISSING);
    expect(missing.map((r) => r.name)).toEqual(['verdict', 'verdict_source', 'confidence', 'reasons']);
    const before = await rows(CONTENT);

    const result = await backfillAggregates(ch.client, () => undefined, before0036);

    expect(await rows(MISSING)).toEqual([]);
    expect(await rows(CONTENT)).toEqual(before);
    expect(result.materialized).toContainEqual(
      expect.objectContaining({
        table: 'ml_detected_anomalies',
        columns: ['verdict', 'verdict_source', 'confidence', 'reasons'],
      }),
    );
    // Nothing is left to write: a second run changes nothing.
    expect((await backfillAggregates(ch.client, () => undefined, before0036)).materialized).toEqual([]);
  }, 120_000);
});
