import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../appliance/common/migrate/index.js';
import { backfillAggregates } from '../../../scripts/lib/bench-dashboard-backfill.js';
import {
  migrationsUpTo,
  missingColumnsSql,
  OLD_ANOMALY_ROWS,
  openEmbedded,
} from '../appliance/common/migrate/helpers.js';

/**
 * A benchmark data set built before migration 0031 (ml_detected_anomalies.reasons and the verdict
 * columns) and brought to a schema before 0036 (which writes them out itself): after
 * `--backfill-aggregates` no active part may lack a column, so the dashboard's queries read the
 * columns as a current detector writes them, not filled with defaults per read.
 */
let ch: ClickHouseHandle;
let cleanup: () => Promise<void>;
const oldMigrations = migrationsUpTo(30);
const before0036 = migrationsUpTo(35);

async function rows<T>(query: string): Promise<T[]> {
  const rs = await ch.client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

const MISSING = missingColumnsSql('ml_detected_anomalies');

const CONTENT = `
  SELECT src_ip, toString(hour) AS hour, score, reason, toJSONString(reasons) AS reasons, verdict
  FROM ja4_processing.ml_detected_anomalies ORDER BY src_ip`;

beforeAll(async () => {
  ({ handle: ch, cleanup } = await openEmbedded('ja4-bench-backfill'));
  await migrateUp(ch.client, { dir: oldMigrations });
  await ch.client.command({ query: OLD_ANOMALY_ROWS });
}, 120_000);

afterAll(async () => {
  await cleanup?.();
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
