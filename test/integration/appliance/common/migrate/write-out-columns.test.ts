import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { migrationsUpTo, missingColumnsSql, OLD_ANOMALY_ROWS, openEmbedded, rows } from './helpers.js';

/**
 * An appliance upgraded across 0031 (verdict, verdict_source, confidence, reasons added to
 * ml_detected_anomalies): its older parts lack the columns, and every read fills them with
 * defaults row by row. Migration 0036 writes them into those parts, rows unchanged. Real chDB.
 */
let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;
const upTo0030 = migrationsUpTo(30);
const upTo0035 = migrationsUpTo(35);
const MISSING = missingColumnsSql('ml_detected_anomalies');
const CONTENT = `
  SELECT src_ip, toString(hour) AS hour, score, reason, toJSONString(reasons) AS reasons, verdict,
         verdict_source, confidence
  FROM ja4_processing.ml_detected_anomalies ORDER BY src_ip`;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-write-out'));
  await migrateUp(handle.client, { dir: upTo0030 });
  await handle.client.command({ query: OLD_ANOMALY_ROWS });
  await migrateUp(handle.client, { dir: upTo0035 });
}, 120_000);

afterAll(async () => {
  await cleanup?.();
  for (const d of [upTo0030, upTo0035]) rmSync(d, { recursive: true, force: true });
});

describe('migration 0036 on an appliance upgraded across 0031', () => {
  it('stores the added columns in the parts that predate them, every row unchanged', async () => {
    const missing = await rows<{ name: string }>(handle, MISSING);
    expect(missing.map((r) => r.name)).toEqual(['verdict', 'verdict_source', 'confidence', 'reasons']);
    const before = await rows(handle, CONTENT);
    expect(before).toHaveLength(20);

    const { applied } = await migrateUp(handle.client);
    expect(applied).toContain('0036_write_out_ml_detected_anomalies_verdict.up.sql');
    expect(await rows(handle, MISSING)).toEqual([]);
    expect(await rows(handle, CONTENT)).toEqual(before);
  }, 120_000);
});
