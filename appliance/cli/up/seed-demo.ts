import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../../common/index.js';
import { defaultDictionariesDir } from '../../common/migrate/index.js';
import { LABELS_TABLE, readBotLists, type SeedSummary, tableExists, writeSeed } from '../../demo/index.js';

/** True on the first run: no seed has ever been written and no request has been stored. */
export async function isFirstRun(client: ClickHouseClient): Promise<boolean> {
  if (await tableExists(client, LABELS_TABLE)) return false;
  const rs = await client.query({
    query: 'SELECT count() AS n FROM ja4_processing.http_logs',
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0) === 0;
}

/** Seeds the standard demo data (seed 42, 24 hours ending now) so the dashboard has something to show. */
export function seedDemo(client: ClickHouseClient, seed = '42'): Promise<SeedSummary> {
  const endUs = Math.floor(Date.now() / 60_000) * 60_000 * 1000;
  return writeSeed(
    client,
    { seed, scale: 1, endUs, hours: 24, bots: readBotLists(defaultDictionariesDir()) },
    { runId: randomUUID(), batchRows: 20_000 },
  );
}
