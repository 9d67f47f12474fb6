import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { DATABASE } from '../common/clickhouse.js';
import type { SeedLabel } from './seed-plan.js';

/** The raw table the whole materialized-view chain starts from (DESIGN.md data flow). */
export const RAW_TABLE = `${DATABASE}.http_logs_raw`;
/** The true label of every seeded session, for scoring the detector. */
export const LABELS_TABLE = `${DATABASE}.seed_labels`;

/**
 * One row per seeded session. ORDER BY client_ip first: the detector's benchmark joins scores to
 * labels by address. run_id tells re-runs apart (the same seed and window give the same rows).
 */
export const LABELS_DDL = `CREATE TABLE IF NOT EXISTS ${LABELS_TABLE} (
  run_id String,
  seed String,
  session_id UInt32,
  scenario LowCardinality(String),
  label LowCardinality(String),
  client_ip String,
  ja4 String,
  client LowCardinality(String),
  user_agent String,
  host LowCardinality(String),
  first_ts_us UInt64,
  last_ts_us UInt64,
  first_ts DateTime64(6, 'UTC') MATERIALIZED fromUnixTimestamp64Micro(toInt64(first_ts_us), 'UTC'),
  last_ts DateTime64(6, 'UTC') MATERIALIZED fromUnixTimestamp64Micro(toInt64(last_ts_us), 'UTC'),
  requests UInt32
) ENGINE = MergeTree ORDER BY (client_ip, first_ts_us, session_id)`;

export async function tableExists(client: ClickHouseClient, qualified: string): Promise<boolean> {
  const [database, name] = qualified.split('.');
  const rs = await client.query({
    query:
      'SELECT count() AS n FROM system.tables WHERE database = {database:String} AND name = {name:String}',
    query_params: { database, name },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0) > 0;
}

/**
 * One JSON line per row into http_logs_raw.raw: LineAsString takes each line as the string.
 * http_logs_raw deduplicates inserted blocks (non_replicated_deduplication_window, for the
 * correlator's replays); each batch carries its own token so that distinct batches are never
 * taken for repeats (on the embedded engine, untokened blocks after the first were dropped) while
 * a retried batch still is.
 */
export async function insertRawLines(
  client: ClickHouseClient,
  lines: readonly string[],
  token: string,
): Promise<void> {
  if (lines.length === 0) return;
  const result = await client.exec({
    query: `INSERT INTO ${RAW_TABLE} (raw) FORMAT LineAsString`,
    values: Readable.from([`${lines.join('\n')}\n`]),
    clickhouse_settings: { insert_deduplication_token: token },
  });
  result.stream.resume();
  await new Promise<void>((resolve, reject) => {
    result.stream.once('end', resolve).once('close', resolve).once('error', reject);
  });
}

export async function insertLabels(
  client: ClickHouseClient,
  runId: string,
  seed: string,
  labels: readonly SeedLabel[],
): Promise<void> {
  if (labels.length === 0) return;
  await client.insert({
    table: LABELS_TABLE,
    format: 'JSONEachRow',
    values: labels.map((l) => ({ run_id: runId, seed, ...l })),
  });
}
