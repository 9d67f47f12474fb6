import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseHandle, openClickHouse } from '../../../../../appliance/common/clickhouse.js';
import { defaultMigrationsDir } from '../../../../../appliance/common/migrate/index.js';

/** One embedded engine per test file (chDB: one data directory per process). */
export async function openEmbedded(
  prefix: string,
): Promise<{ handle: ClickHouseHandle; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const handle = await openClickHouse({
    url: `embedded:${dir}`,
    username: 'default',
    password: '',
    cluster: '',
    request_timeout_ms: 60_000,
  });
  return {
    handle,
    async cleanup() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private copy of the shipped migrations that a test may edit or extend. */
export function copyMigrations(): string {
  const src = defaultMigrationsDir();
  const dir = mkdtempSync(join(tmpdir(), 'ja4-migrations-'));
  for (const f of readdirSync(src).filter((f) => f.endsWith('.sql')))
    copyFileSync(join(src, f), join(dir, f));
  return dir;
}

export async function rows<T>(
  handle: ClickHouseHandle,
  query: string,
  params?: Record<string, unknown>,
): Promise<T[]> {
  const rs = await handle.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** A private copy of the shipped migrations up to `last`: the schema of an older release. */
export function migrationsUpTo(last: number): string {
  const src = defaultMigrationsDir();
  const dir = mkdtempSync(join(tmpdir(), `ja4-migrations-${last}-`));
  for (const f of readdirSync(src).filter((f) => f.endsWith('.sql') && Number(f.slice(0, 4)) <= last))
    copyFileSync(join(src, f), join(dir, f));
  return dir;
}

/** The columns of a ja4_processing table that some active part lacks (read default-filled). */
export function missingColumnsSql(table: string): string {
  return `
  SELECT c.name AS name FROM system.columns AS c
  WHERE c.database = 'ja4_processing' AND c.table = '${table}'
    AND c.name NOT IN (SELECT column FROM system.parts_columns
                       WHERE active AND database = 'ja4_processing' AND table = '${table}'
                       GROUP BY column
                       HAVING count() = (SELECT count() FROM system.parts WHERE active
                                         AND database = 'ja4_processing' AND table = '${table}'))
  ORDER BY c.position`;
}

/** Twenty flagged rows as a detector before 0031 wrote them (no verdict, no structured reasons). */
export const OLD_ANOMALY_ROWS = `INSERT INTO ja4_processing.ml_detected_anomalies
    (detected_at, hour, host, src_ip, ja4, score, threshold, cycle_id, requests, reason)
  SELECT now64(3), toStartOfHour(now()) - INTERVAL number % 3 HOUR, 'shop.example',
         concat('198.51.100.', toString(number)), 't13d1516h2_8daaf6152771_02713d6af862',
         0.5 + number / 100, 0.45, 'cycle-a', number + 1, concat('rate ', toString(number))
  FROM numbers(20)`;
