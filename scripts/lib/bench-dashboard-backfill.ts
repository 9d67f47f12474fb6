/**
 * `--backfill-overview-5m`, part of the dashboard benchmark's data step: brings a data set built
 * before migrations 0012/0013 (agg_overview_5m and its view) up to date. A materialized view only
 * sees rows inserted after it exists, so the new table is filled once with INSERT … SELECT over
 * http_logs, using the view's own SELECT (read from the 0013 file, so the two cannot drift).
 * Deliberately not in the migration: on a live appliance a backfill races the view (rows inserted
 * between CREATE and INSERT would count twice) and can take long on a full retention window.
 * The benchmark's data set is static, so here it is exact.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateUp, readMigrations, splitStatements } from '../../appliance/common/migrate/index.js';

const TABLE = 'ja4_processing.agg_overview_5m';
const VIEW_FILE = '0013_create_mv_agg_overview_5m.up.sql';

/** The INSERT … SELECT equivalent of mv_agg_overview_5m, from the migration file's text. */
export function backfillSql(): string {
  const mv = readMigrations().find((m) => m.file === VIEW_FILE);
  if (!mv) throw new Error(`${VIEW_FILE} is missing from migrations/`);
  const create = splitStatements(mv.up).find((s) => /CREATE MATERIALIZED VIEW/i.test(s)) ?? '';
  const m = /\bTO\s+ja4_processing\.agg_overview_5m\s+AS\s+(SELECT[\s\S]*)$/i.exec(create);
  if (!m) throw new Error(`${VIEW_FILE}: no "TO ${TABLE} AS SELECT" found`);
  return `INSERT INTO ${TABLE} ${m[1].replace(/;\s*$/, '')}`;
}

async function count(client: ClickHouseClient, table: string): Promise<number> {
  const rs = await client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

/**
 * Applies pending migrations, then backfills agg_overview_5m from http_logs when it is empty
 * (a data set built with the view already in place was filled by it). Returns what was done.
 */
export async function backfillOverview5m(
  client: ClickHouseClient,
  log: (m: string) => void,
): Promise<{ migrations_applied: string[]; backfilled_rows: number; backfill_ms: number }> {
  const { applied } = await migrateUp(client);
  if (applied.length > 0) log(`applied ${applied.join(', ')}`);
  if ((await count(client, TABLE)) > 0) {
    log(`${TABLE} already filled: no backfill`);
    return { migrations_applied: applied, backfilled_rows: 0, backfill_ms: 0 };
  }
  const t = performance.now();
  await client.command({ query: backfillSql(), clickhouse_settings: { async_insert: 0 } });
  const ms = Math.round(performance.now() - t);
  const rows = await count(client, TABLE);
  log(`backfilled ${TABLE} from http_logs: ${rows} rows in ${ms} ms`);
  return { migrations_applied: applied, backfilled_rows: rows, backfill_ms: ms };
}
