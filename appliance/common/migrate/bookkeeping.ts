import type { ClickHouseClient } from '@clickhouse/client';
import { DATABASE } from '../clickhouse.js';
import { renderForCluster } from './cluster.js';

/** Tables the runner owns (not migrations): created before the first migration runs. */
export const MIGRATIONS_TABLE = `${DATABASE}.schema_migrations`;
export const LOCK_TABLE = `${DATABASE}.schema_migrations_lock`;

/**
 * schema_migrations is an append-only log: one row per applied or reverted migration. The state
 * of a version is its newest row (argMax by applied_at, the server's clock), so recording never
 * needs a mutation and a crash mid-run leaves every earlier row valid.
 * The lock table: see lock.ts. Its deduplication window is what makes the lock exclusive.
 */
export const BOOKKEEPING_DDL = [
  `CREATE DATABASE IF NOT EXISTS ${DATABASE}`,
  `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}
(
    version UInt32,
    name String,
    checksum String,
    direction Enum8('up' = 1, 'down' = 2),
    applied_at DateTime64(6, 'UTC'),
    duration_ms UInt32,
    runner String,
    appliance_version String
)
ENGINE = MergeTree
ORDER BY (version, applied_at)`,
  `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE}
(
    generation UInt64,
    event Enum8('acquire' = 1, 'release' = 2),
    owner String,
    at DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (generation, event)
SETTINGS non_replicated_deduplication_window = 10000`,
];

export async function ensureBookkeeping(client: ClickHouseClient, cluster = ''): Promise<void> {
  for (const ddl of BOOKKEEPING_DDL) {
    for (const query of renderForCluster(ddl, cluster)) await client.command({ query });
  }
}

export interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}

/** Whether the runner's tables exist (a read-only check for `status`). */
export async function bookkeepingExists(client: ClickHouseClient): Promise<boolean> {
  const rs = await client.query({
    query:
      "SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = 'schema_migrations'",
    query_params: { db: DATABASE },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0) > 0;
}

/** Versions whose newest record is 'up', in ascending order. */
export async function readApplied(client: ClickHouseClient): Promise<AppliedRow[]> {
  const rs = await client.query({
    query: `SELECT version, argMax(name, applied_at) AS name, argMax(checksum, applied_at) AS checksum,
              toString(max(applied_at)) AS last_at, argMax(direction, applied_at) AS state
            FROM ${MIGRATIONS_TABLE} GROUP BY version HAVING state = 'up' ORDER BY version`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ version: number; name: string; checksum: string; last_at: string }>();
  return rows.map(({ version, name, checksum, last_at }) => ({
    version: Number(version),
    name,
    checksum,
    applied_at: last_at,
  }));
}

export async function record(
  client: ClickHouseClient,
  row: { version: number; name: string; checksum: string; direction: 'up' | 'down'; durationMs: number },
  runner: string,
  applianceVersion: string,
): Promise<void> {
  await client.command({
    query: `INSERT INTO ${MIGRATIONS_TABLE}
              SELECT {version:UInt32}, {name:String}, {checksum:String}, {direction:String}, now64(6),
                     {duration:UInt32}, {runner:String}, {appliance:String}`,
    query_params: {
      version: row.version,
      name: row.name,
      checksum: row.checksum,
      direction: row.direction,
      duration: Math.min(Math.round(row.durationMs), 4_294_967_295),
      runner,
      appliance: applianceVersion,
    },
    clickhouse_settings: { async_insert: 0, insert_deduplicate: 0 },
  });
}
