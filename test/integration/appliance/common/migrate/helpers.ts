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
