/**
 * The dashboard benchmark's data set: an embedded engine holding `rows` correlated requests in
 * http_logs, every one of which went through the real materialized-view chain
 * (http_logs_raw → mv_http_logs → http_logs → mv_agg_host_ip_ja4_1h → agg_host_ip_ja4_1h).
 *
 * Seeding 10M rows with the seeder alone takes tens of minutes at its few thousand rows/s
 * (scripts/README.md). So the seeder writes a base (--base-scale, default 10: ~42k rows), and the
 * rest is made inside ClickHouse by INSERT … SELECT from the base's raw lines: each replica n
 * rewrites ts_us (a rotation within the window) and client_ip/conn_ip (another address of the
 * same range, so ASN enrichment and the human/hosting split survive). The insert lands in
 * http_logs_raw, so every materialized view runs on every replicated row.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { defaultDictionariesDir } from '../../appliance/common/migrate/index.js';
import { RAW_TABLE, readBotLists, writeSeed } from '../../appliance/demo/index.js';

const DAY_US = 86_400_000_000;

export interface DataSetInfo {
  rows: number;
  base_rows: number;
  base_scale: number;
  replicas: number;
  window_from: string;
  window_to: string;
  end_us: number;
  distinct_ips: number;
  rollup_rows: number;
  seed_ms: number;
  replicate_ms: number;
  replicate_rows_per_s: number;
  built: string;
}

export const INFO_TABLE = 'ja4_processing.bench_dashboard_info';

async function scalar(client: ClickHouseClient, query: string, params = {}): Promise<number> {
  const rs = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [row] = await rs.json<Record<string, number>>();
  return Number(Object.values(row ?? { n: 0 })[0] ?? 0);
}

/** The description a previous run left in the directory, or undefined if it holds none. */
export async function readDataSetInfo(client: ClickHouseClient): Promise<DataSetInfo | undefined> {
  const exists = await scalar(
    client,
    "SELECT count() FROM system.tables WHERE database = 'ja4_processing' AND name = 'bench_dashboard_info'",
  );
  if (!exists) return undefined;
  const rs = await client.query({ query: `SELECT info FROM ${INFO_TABLE} LIMIT 1`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ info: string }>();
  return row ? (JSON.parse(row.info) as DataSetInfo) : undefined;
}

/**
 * The replication query for replicas [n0, n1): address n of a range is (host part + n·P) mod the
 * range size (P odd, so replicas of one address differ); addresses outside the seeder's ranges
 * (known-bot crawlers from the bot lists) keep their address, so they stay labelled.
 */
function replicateSql(): string {
  const mask = `multiIf(
      isIPAddressInRange(ip, '90.0.0.0/9'), 4286578688,
      isIPAddressInRange(ip, '185.220.100.0/22'), 4294966272,
      isIPAddressInRange(ip, '91.121.0.0/16') OR isIPAddressInRange(ip, '78.41.0.0/16')
        OR isIPAddressInRange(ip, '45.155.0.0/16') OR isIPAddressInRange(ip, '193.32.0.0/16'), 4294901760,
      4294967295)`;
  return `
    INSERT INTO ${RAW_TABLE} (raw)
    SELECT replaceRegexpOne(replaceRegexpOne(replaceRegexpOne(raw,
             '"ts_us":[0-9]+', concat('"ts_us":', toString(new_ts))),
             '"client_ip":"[^"]*"', concat('"client_ip":"', new_ip, '"')),
             '"conn_ip":"[^"]*"', concat('"conn_ip":"', new_ip, '"'))
    FROM (
      SELECT raw, n,
             JSONExtractUInt(raw, 'ts_us') AS ts,
             JSONExtractString(raw, 'client_ip') AS ip,
             toUInt64(toUInt32(toIPv4OrDefault(ip))) AS ip_num,
             toUInt64(${mask}) AS m,
             {start:UInt64} + ((ts - {start:UInt64} + n * 2654435761000) % {day:UInt64}) AS new_ts,
             if(ip_num = 0 OR m = 4294967295, ip,
                IPv4NumToString(toUInt32(bitOr(bitAnd(ip_num, m),
                  (bitAnd(ip_num, bitXor(m, 4294967295)) + n * 40503) % (bitXor(m, 4294967295) + 1))))) AS new_ip
      FROM (SELECT raw FROM ${RAW_TABLE} WHERE ingest_time <= {base_end:DateTime64(3)}) AS b
      CROSS JOIN (SELECT number AS n FROM numbers({n0:UInt64}, {count:UInt64})) AS r
      WHERE JSONExtractUInt(raw, 'ts_us') >= {start:UInt64}
    )
    LIMIT {limit:UInt64}`;
}

export interface BuildOptions {
  rows: number;
  baseScale: number;
  endUs: number;
  /** Replicas per INSERT … SELECT (bounds the memory of one statement). */
  replicasPerInsert: number;
  log: (msg: string) => void;
}

/** Replicates the base's raw lines inside ClickHouse until http_logs holds `o.rows` rows. */
async function replicate(
  client: ClickHouseClient,
  o: BuildOptions,
  b: { start: number; baseEnd: number; baseRows: number; replicas: number },
): Promise<void> {
  const { start, baseEnd, baseRows, replicas } = b;
  let written = baseRows;
  for (let n0 = 1; n0 <= replicas && written < o.rows; n0 += o.replicasPerInsert) {
    const count = Math.min(o.replicasPerInsert, replicas - n0 + 1);
    const limit = Math.min(o.rows - written, count * baseRows);
    const tc = performance.now();
    await client.command({
      query: replicateSql(),
      query_params: {
        start,
        day: DAY_US,
        base_end: new Date(baseEnd).toISOString().replace('T', ' ').replace('Z', ''),
        n0,
        count,
        limit,
      },
      // Distinct tokens: chDB keeps settings in its session, and a stale token would make the
      // raw table drop these blocks as repeats (see scripts/bench-correlator.ts).
      clickhouse_settings: {
        insert_deduplication_token: `bench-dashboard-${n0}-${Date.now()}`,
        max_insert_block_size: '1048576',
        min_insert_block_size_rows: '1048576',
      },
    });
    written += limit;
    const s = (performance.now() - tc) / 1000;
    o.log(`replicas ${n0}..${n0 + count - 1}: ${limit} rows in ${s.toFixed(1)} s (total ${written})`);
  }
}

/** Seeds the base, replicates it to `rows`, and records what was built in INFO_TABLE. */
export async function buildDataSet(client: ClickHouseClient, o: BuildOptions): Promise<DataSetInfo> {
  const start = o.endUs - DAY_US;
  const t0 = performance.now();
  const seed = await writeSeed(
    client,
    {
      seed: '42',
      scale: o.baseScale,
      endUs: o.endUs,
      hours: 24,
      bots: readBotLists(defaultDictionariesDir()),
    },
    { runId: 'bench-dashboard', batchRows: 20_000 },
  );
  const seedMs = performance.now() - t0;
  o.log(`base: ${seed.totalRows} rows seeded in ${(seedMs / 1000).toFixed(1)} s`);
  const baseEnd = await scalar(client, `SELECT toUnixTimestamp64Milli(max(ingest_time)) FROM ${RAW_TABLE}`);
  const baseRows = await scalar(client, 'SELECT count() FROM ja4_processing.http_logs');
  const replicas = Math.max(0, Math.ceil((o.rows - baseRows) / Math.max(baseRows, 1)));
  const t1 = performance.now();
  await replicate(client, o, { start, baseEnd, baseRows, replicas });
  const replicateMs = performance.now() - t1;
  const rows = await scalar(client, 'SELECT count() FROM ja4_processing.http_logs');
  const info: DataSetInfo = {
    rows,
    base_rows: baseRows,
    base_scale: o.baseScale,
    replicas,
    window_from: new Date(start / 1000).toISOString(),
    window_to: new Date(o.endUs / 1000).toISOString(),
    end_us: o.endUs,
    distinct_ips: await scalar(client, 'SELECT uniqExact(client_ip) FROM ja4_processing.http_logs'),
    rollup_rows: await scalar(client, 'SELECT count() FROM ja4_processing.agg_host_ip_ja4_1h'),
    seed_ms: Math.round(seedMs),
    replicate_ms: Math.round(replicateMs),
    replicate_rows_per_s: Math.round(((rows - baseRows) * 1000) / Math.max(replicateMs, 1)),
    built: new Date().toISOString(),
  };
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${INFO_TABLE} (info String) ENGINE = MergeTree ORDER BY tuple()`,
  });
  await client.command({ query: `TRUNCATE TABLE ${INFO_TABLE}` });
  await client.insert({ table: INFO_TABLE, values: [{ info: JSON.stringify(info) }], format: 'JSONEachRow' });
  return info;
}
