/**
 * `--backfill-aggregates`, part of the dashboard benchmark's data step: brings a data set built
 * before a newer aggregate existed up to date. A materialized view only sees rows inserted after
 * it exists, so each empty aggregate is filled once with INSERT … SELECT over its source, using
 * the view's own SELECT (read from the migration file, so the two cannot drift).
 * Deliberately not in the migrations: on a live appliance a backfill races the view (rows inserted
 * between CREATE and INSERT would count twice) and can take long on a full retention window.
 * The benchmark's data set is static, so here it is exact.
 *
 * It also writes out columns a newer migration added (ALTER TABLE … ADD COLUMN) into the parts
 * that predate them (materializeAddedColumns). ClickHouse fills a column missing from a part with
 * its type's default on every read, row by row: on the data set built before 0031 reading
 * ml_detected_anomalies.reasons (Array(Tuple(...))) that way took ~20x longer than reading it
 * written out, a cost a live appliance has only until its pre-upgrade parts age out of retention.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateUp, readMigrations, splitStatements } from '../../appliance/common/migrate/index.js';

/** Each aggregate the dashboard reads, with the migration that creates its view. */
export const AGGREGATES = [
  { table: 'agg_overview_sets', viewFile: '0015_create_mv_agg_overview_sets.up.sql' },
  { table: 'ml_anomaly_summary_1h', viewFile: '0017_create_mv_ml_anomaly_summary_1h.up.sql' },
  { table: 'agg_ja4_signals_1h', viewFile: '_create_agg_ja4_signals_1h.up.sql' },
  { table: 'ml_current_scores', viewFile: '_create_ml_current_scores.up.sql' },
] as const;
export type AggregateTable = (typeof AGGREGATES)[number]['table'];

/** The INSERT … SELECT equivalent of the view that feeds `table`, from the migration file's text. */
export function backfillSql(table: AggregateTable): string {
  const aggregate = AGGREGATES.find((a) => a.table === table);
  if (!aggregate) throw new Error(`${table} is not one of the aggregates the benchmark backfills`);
  const { viewFile } = aggregate;
  // A file named without its number (a suffix) matches whatever number it landed under.
  const mv = readMigrations().find(
    (m) => m.file === viewFile || (viewFile.startsWith('_') && m.file.endsWith(viewFile)),
  );
  if (!mv) throw new Error(`${viewFile} is missing from migrations/`);
  const create = splitStatements(mv.up).find((s) => /CREATE MATERIALIZED VIEW/i.test(s)) ?? '';
  const m = new RegExp(`\\bTO\\s+ja4_processing\\.${table}\\s+AS\\s+(SELECT[\\s\\S]*)$`, 'i').exec(create);
  if (!m) throw new Error(`${viewFile}: no "TO ja4_processing.${table} AS SELECT" found`);
  return `INSERT INTO ja4_processing.${table} ${m[1].replace(/;\s*$/, '')}`;
}

async function count(client: ClickHouseClient, table: string): Promise<number> {
  const rs = await client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

export interface BackfillResult {
  migrations_applied: string[];
  backfilled: { table: string; rows: number; ms: number }[];
  materialized?: { table: string; columns: string[]; ms: number }[];
}

/**
 * Columns of the project's tables that some active part lacks (added by a migration after the
 * part was written), by table; plain columns only (not MATERIALIZED/ALIAS).
 */
async function addedColumns(client: ClickHouseClient): Promise<Map<string, string[]>> {
  const rs = await client.query({
    query: `
      SELECT c.table AS table, c.name AS name
      FROM system.columns AS c
      INNER JOIN (SELECT table, count() AS parts FROM system.parts
                  WHERE active AND database = 'ja4_processing' GROUP BY table) AS p ON p.table = c.table
      LEFT JOIN (SELECT table, column, count() AS n FROM system.parts_columns
                 WHERE active AND database = 'ja4_processing' GROUP BY table, column) AS pc
        ON pc.table = c.table AND pc.column = c.name
      WHERE c.database = 'ja4_processing' AND c.default_kind IN ('', 'DEFAULT') AND pc.n < p.parts
      ORDER BY table, c.position`,
    format: 'JSONEachRow',
  });
  const out = new Map<string, string[]>();
  for (const r of await rs.json<{ table: string; name: string }>())
    out.set(r.table, [...(out.get(r.table) ?? []), r.name]);
  return out;
}

/** Writes every column a part lacks into it (a mutation per table, waited for). */
export async function materializeAddedColumns(
  client: ClickHouseClient,
  log: (m: string) => void,
): Promise<NonNullable<BackfillResult['materialized']>> {
  const done: NonNullable<BackfillResult['materialized']> = [];
  for (const [table, columns] of await addedColumns(client)) {
    const t = performance.now();
    const set = columns.map((c) => `\`${c}\` = \`${c}\``).join(', ');
    await client.command({
      query: `ALTER TABLE ja4_processing.${table} UPDATE ${set} WHERE 1 SETTINGS mutations_sync = 2`,
    });
    const ms = Math.round(performance.now() - t);
    log(`wrote out ${table}.{${columns.join(',')}} into the parts that predate them: ${ms} ms`);
    done.push({ table, columns, ms });
  }
  return done;
}

/**
 * Applies pending migrations (from `migrationsDir`, the shipped set by default), then backfills
 * every empty aggregate from its source (one that a view already filled is left alone). Returns
 * what was done.
 */
export async function backfillAggregates(
  client: ClickHouseClient,
  log: (m: string) => void,
  migrationsDir?: string,
): Promise<BackfillResult> {
  const { applied } = await migrateUp(client, migrationsDir ? { dir: migrationsDir } : {});
  if (applied.length > 0) log(`applied ${applied.join(', ')}`);
  const backfilled: BackfillResult['backfilled'] = [];
  for (const { table } of AGGREGATES) {
    if ((await count(client, `ja4_processing.${table}`)) > 0) {
      log(`${table} already filled: no backfill`);
      continue;
    }
    const t = performance.now();
    await client.command({ query: backfillSql(table), clickhouse_settings: { async_insert: 0 } });
    const ms = Math.round(performance.now() - t);
    const rows = await count(client, `ja4_processing.${table}`);
    log(`backfilled ${table}: ${rows} rows in ${ms} ms`);
    backfilled.push({ table, rows, ms });
  }
  const materialized = await materializeAddedColumns(client, log);
  return { migrations_applied: applied, backfilled, materialized };
}
