import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseHandle, openClickHouse } from '../../../../../appliance/common/clickhouse.js';
import { defaultMigrationsDir, migrateUp } from '../../../../../appliance/common/migrate/index.js';

/**
 * An appliance upgraded across 0031 (verdict, verdict_source, confidence, reasons added to
 * ml_detected_anomalies): its older parts lack the columns, and every read fills them with
 * defaults row by row. Migration 0036 writes them into those parts, rows unchanged. Real chDB.
 */
let dir: string;
let upTo0030: string;
let upTo0035: string;
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
  SELECT src_ip, toString(hour) AS hour, score, reason, toJSONString(reasons) AS reasons, verdict,
         verdict_source, confidence
  FROM ja4_processing.ml_detected_anomalies ORDER BY src_ip`;

/** A directory with the shipped migrations up to `last`. */
function migrationsUpTo(last: number): string {
  const out = mkdtempSync(join(tmpdir(), `ja4-migrations-${last}-`));
  for (const f of readdirSync(defaultMigrationsDir())) {
    const v = Number(f.slice(0, 4));
    if (f.endsWith('.sql') && v <= last) copyFileSync(join(defaultMigrationsDir(), f), join(out, f));
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ja4-write-out-'));
  upTo0030 = migrationsUpTo(30);
  upTo0035 = migrationsUpTo(35);
  ch = await openClickHouse({
    url: `embedded:${dir}`,
    username: 'default',
    password: '',
    cluster: '',
    request_timeout_ms: 60_000,
  });
  await migrateUp(ch.client, { dir: upTo0030 });
  await ch.client.command({
    query: `INSERT INTO ja4_processing.ml_detected_anomalies
              (detected_at, hour, host, src_ip, ja4, score, threshold, cycle_id, requests, reason)
            SELECT now64(3), toStartOfHour(now()) - INTERVAL number % 3 HOUR, 'shop.example',
                   concat('198.51.100.', toString(number)), 't13d1516h2_8daaf6152771_02713d6af862',
                   0.5 + number / 100, 0.45, 'cycle-a', number + 1, concat('rate ', toString(number))
            FROM numbers(20)`,
  });
  await migrateUp(ch.client, { dir: upTo0035 });
}, 120_000);

afterAll(async () => {
  await ch?.close();
  for (const d of [dir, upTo0030, upTo0035]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('migration 0036 on an appliance upgraded across 0031', () => {
  it('stores the added columns in the parts that predate them, every row unchanged', async () => {
    const missing = await rows<{ name: string }>(MISSING);
    expect(missing.map((r) => r.name)).toEqual(['verdict', 'verdict_source', 'confidence', 'reasons']);
    const before = await rows(CONTENT);
    expect(before).toHaveLength(20);

    const { applied } = await migrateUp(ch.client);
    expect(applied).toContain('0036_write_out_ml_detected_anomalies_verdict.up.sql');
    expect(await rows(MISSING)).toEqual([]);
    expect(await rows(CONTENT)).toEqual(before);
  }, 120_000);
});
