import type { ClickHouseClient } from '@clickhouse/client';
import { DATABASE } from '../clickhouse.js';
import { renderForCluster } from './cluster.js';

/**
 * The dictionary loader's own record (like the runner's schema_migrations, not a migration):
 * one row per step of each load. `swapped` is written before the source tables are exchanged
 * and `loaded` only once every SYSTEM RELOAD DICTIONARY of that load has succeeded, so the
 * newest row says whether the dictionaries serve what the tables hold. Append-only: the state
 * is the newest row (argMax by `at`), and a crash between steps leaves the earlier rows valid.
 */
export const DICTIONARY_LOADS_TABLE = `${DATABASE}.dictionary_loads`;

const DDL = `CREATE TABLE IF NOT EXISTS ${DICTIONARY_LOADS_TABLE}
(
    state Enum8('swapped' = 1, 'loaded' = 2),
    dictionaries Array(String),
    at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY at`;

export type LoadState = 'swapped' | 'loaded';

export async function recordLoadState(
  client: ClickHouseClient,
  state: LoadState,
  dictionaries: string[],
  cluster: string,
): Promise<void> {
  for (const query of renderForCluster(DDL, cluster)) await client.command({ query });
  await client.insert({
    table: DICTIONARY_LOADS_TABLE,
    values: [{ state, dictionaries }],
    format: 'JSONEachRow',
    // Every row is a new step: a retry repeating an earlier row's values is not a duplicate.
    clickhouse_settings: { async_insert: 0, insert_deduplicate: 0 },
  });
}

/** The newest recorded step, or undefined when no load was ever recorded. */
export async function lastLoadState(
  client: ClickHouseClient,
  cluster: string,
): Promise<LoadState | undefined> {
  for (const query of renderForCluster(DDL, cluster)) await client.command({ query });
  const rs = await client.query({
    query: `SELECT argMax(state, at) AS state, count() AS n FROM ${DICTIONARY_LOADS_TABLE}`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ state: LoadState; n: string | number }>();
  return Number(row?.n ?? 0) > 0 ? row.state : undefined;
}
