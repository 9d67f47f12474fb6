import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseHandle, openClickHouse } from '../../appliance/common/clickhouse.js';
import { defaultConfig } from '../../appliance/common/config/schema.js';

/** An embedded chDB engine on a fresh temporary directory (one per test file: one engine per process). */
export async function openTempEmbedded(prefix = 'ja4-ch-'): Promise<ClickHouseHandle> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return openClickHouse({ ...defaultConfig().clickhouse, url: `embedded:${dir}` });
}
