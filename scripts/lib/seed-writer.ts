import { createWriteStream, type WriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { DATABASE } from '../../appliance/common/clickhouse.js';
import { generateSeed, SCENARIOS, type SeedLabel, type SeedOptions } from './seed-plan.js';
import type { Scenario } from './seed-sessions.js';

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

export interface SeedProgress {
  sessions: number;
  rows: number;
}

export interface SeedSummary {
  runId: string;
  sessions: Record<Scenario, number>;
  rows: Record<Scenario, number>;
  totalRows: number;
  firstTsUs: number;
  lastTsUs: number;
  elapsedMs: number;
}

export interface WriteSeedOptions {
  runId: string;
  batchRows: number;
  /** Also write the labels as JSON lines to this file. */
  labelsFile?: string;
  onProgress?: (p: SeedProgress) => void;
}

/**
 * Streams the plan into ClickHouse: rows are buffered up to batchRows, then inserted with their
 * sessions' labels; the JS side holds at most two batches whatever the scale.
 */
export async function writeSeed(
  client: ClickHouseClient,
  plan: SeedOptions,
  opts: WriteSeedOptions,
): Promise<SeedSummary> {
  const started = Date.now();
  const zero = () => Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<Scenario, number>;
  const summary: SeedSummary = {
    runId: opts.runId,
    sessions: zero(),
    rows: zero(),
    totalRows: 0,
    firstTsUs: Number.POSITIVE_INFINITY,
    lastTsUs: 0,
    elapsedMs: 0,
  };
  await client.command({ query: LABELS_DDL });
  const file: WriteStream | undefined = opts.labelsFile ? createWriteStream(opts.labelsFile) : undefined;
  let lines: string[] = [];
  let labels: SeedLabel[] = [];
  let sessions = 0;
  let pending: Promise<void> | undefined;
  let batchNo = 0;
  const write = async (batch: string[], batchLabels: SeedLabel[], progress: SeedProgress) => {
    await insertRawLines(client, batch, `seed:${opts.runId}:${batchNo++}`);
    await insertLabels(client, opts.runId, plan.seed, batchLabels);
    if (file && batchLabels.length > 0) {
      const text = batchLabels
        .map((l) => JSON.stringify({ run_id: opts.runId, seed: plan.seed, ...l }))
        .join('\n');
      if (!file.write(`${text}\n`)) await new Promise<void>((r) => file.once('drain', () => r()));
    }
    opts.onProgress?.(progress);
  };
  // Double buffering: the engine inserts one batch (chDB runs the query off the JS thread, a
  // server over HTTP) while the next is generated; at most two batches are in memory.
  const flush = async () => {
    const batch = lines;
    const batchLabels = labels;
    lines = [];
    labels = [];
    if (pending) await pending;
    pending = write(batch, batchLabels, { sessions, rows: summary.totalRows });
    // Observed here so a failure is not reported as unhandled before the next flush awaits it.
    pending.catch(() => undefined);
  };
  try {
    for (const { spec, rows, label } of generateSeed(plan)) {
      for (const row of rows) lines.push(JSON.stringify(row));
      labels.push(label);
      sessions++;
      summary.sessions[spec.scenario]++;
      summary.rows[spec.scenario] += rows.length;
      summary.totalRows += rows.length;
      summary.firstTsUs = Math.min(summary.firstTsUs, label.first_ts_us);
      summary.lastTsUs = Math.max(summary.lastTsUs, label.last_ts_us);
      if (lines.length >= opts.batchRows) await flush();
    }
    await flush();
    await pending;
  } finally {
    if (file) await new Promise((r) => file.end(r));
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}
