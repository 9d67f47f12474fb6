import type { ClickHouseClient } from '../../../../appliance/common/index.js';
import { migrateUp, readMigrations, splitStatements } from '../../../../appliance/common/migrate/index.js';

/**
 * The real schema (migrations/) on a test engine. Uses the runner; if the runner itself fails
 * (it is developed in parallel), applies the same migration files statement by statement without
 * its bookkeeping (skipping, with a warning, failing ones the correlator does not need), and says so, so the correlator is still tested against the real tables and views.
 */
export async function prepareSchema(client: ClickHouseClient): Promise<void> {
  try {
    await migrateUp(client);
    return;
  } catch (err) {
    console.warn(
      `migrateUp failed (${(err as Error).message.split('\n')[0]}); applying migrations/ directly`,
    );
  }
  await client.command({ query: 'CREATE DATABASE IF NOT EXISTS ja4_processing' });
  for (const m of readMigrations()) {
    try {
      for (const query of splitStatements(m.up)) await client.command({ query });
    } catch (err) {
      // The correlator needs the landing table and mv_http_logs → http_logs; later ones are extra.
      if (!m.file.includes('http_logs')) {
        console.warn(`skipping ${m.file}: ${(err as Error).message.split('\n')[0]}`);
        continue;
      }
      throw err;
    }
  }
}
