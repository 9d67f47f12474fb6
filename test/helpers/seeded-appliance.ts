import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type ClickHouseHandle, openClickHouse } from '../../appliance/common/clickhouse.js';
import { type Config, defaultConfig } from '../../appliance/common/config/schema.js';
import { defaultDictionariesDir, loadDictionaries, migrateUp } from '../../appliance/common/migrate/index.js';
import { insertRawLines, readBotLists, type SeedSummary, writeSeed } from '../../appliance/demo/index.js';
import { type CycleResult, runCycle } from '../../appliance/detector/index.js';

export interface SeededAppliance {
  dir: string;
  ch: ClickHouseHandle;
  config: Config;
  seed: SeedSummary;
  cycle: CycleResult;
  close(): Promise<void>;
}

/** An XSS payload stored as a user agent and a path, to prove the UI renders it as text. */
export const XSS_UA = '<img src=x onerror="window.__ja4xss=1">Mozilla/5.0 (evil)';
export const XSS_IP = '91.121.250.250';

/**
 * A real embedded engine with the whole schema, dictionaries, the standard seed (24 hours
 * ending at the current minute), one hostile row, and one detector cycle: what the dashboard
 * tests read. Everything goes through the real materialized-view chain.
 */
export async function seededAppliance(prefix: string): Promise<SeededAppliance> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const base = defaultConfig();
  const config: Config = {
    ...base,
    clickhouse: { ...base.clickhouse, url: `embedded:${join(dir, 'clickhouse')}` },
    dashboard: {
      ...base.dashboard,
      state_dir: join(dir, 'dashboard'),
      admin_password: 'analyst-test-pass',
      port: 0,
    },
    detector: { ...base.detector, model_dir: join(dir, 'models') },
  };
  const ch = await openClickHouse(config.clickhouse);
  await migrateUp(ch.client);
  await loadDictionaries(ch.client);
  const endUs = Math.floor(Date.now() / 60_000) * 60_000 * 1000;
  const seed = await writeSeed(
    ch.client,
    { seed: '42', scale: 1, endUs, hours: 24, bots: readBotLists(defaultDictionariesDir()) },
    { runId: 'dashboard-test', batchRows: 20_000 },
  );
  await insertHostileRow(ch);
  const log = pino({ level: 'silent' });
  const cycle = await runCycle({ client: ch.client, config, log });
  return { dir, ch, config, seed, cycle, close: () => ch.close() };
}

async function insertHostileRow(ch: ClickHouseHandle): Promise<void> {
  const rs = await ch.client.query({
    query: 'SELECT raw FROM ja4_processing.http_logs_raw ORDER BY ingest_time DESC LIMIT 1',
    format: 'JSONEachRow',
  });
  const [{ raw }] = await rs.json<{ raw: string }>();
  const row = JSON.parse(raw);
  const hostile = {
    ...row,
    ts_us: Date.now() * 1000 - 60_000_000,
    client_ip: XSS_IP,
    user_agent: XSS_UA,
    path: '/<script>window.__ja4xss=2</script>',
  };
  await insertRawLines(ch.client, [JSON.stringify(hostile)], 'hostile-row');
}
