/**
 * `npm run bench:correlator`: the correlator's numbers, measured side by side in one run.
 *   1. domain (lib/bench-correlator-domain.ts): joined events per CPU second through
 *      ConnectionJoin (pre-parsed events), and with the batch building (JSON lines) that
 *      follows it; the current join beside the join as it
 *      was before connection identity (scripts/lib/bench-legacy-join.ts), alternated in one run,
 *      on a direct workload (one handshake per peer port) and a proxy one (one peer address, its
 *      ports reused, several handshakes held per key);
 *   2. decode: socket lines → validated events/s (JSON.parse + the validator compiled from the
 *      shared zod schemas), against JSON.parse + zod safeParse as before, and JSON.parse alone;
 *   3. embedded: rows/s into chDB through the schema's materialized-view chain, a bare
 *      @clickhouse/client insert of the same rows (JSONEachRow and LineAsString) against the whole
 *      correlator end to end (UNIX sockets → join → batches → ClickHouse sink), per insert format
 *      (the producers, in this process, write ~64 KiB at a time; see benchEndToEnd), and the
 *      correlator with its log of accepted lines off (correlator.wal: false), side by side.
 * Writes bench/results/correlator.json. BENCH_ROWS (rows per case) and BENCH_ROUNDS tune the embedded part,
 * BENCH_DOMAIN_ROUNDS the domain part.
 */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import {
  canonicalIp,
  hasDuplicateKeys,
  httpEventSchema,
  tlsEventSchema,
} from '../appliance/common/events/index.js';
import {
  type ClickHouseHandle,
  type Config,
  defaultConfig,
  openClickHouse,
  type Registry,
} from '../appliance/common/index.js';
import { migrateUp, readMigrations, splitStatements } from '../appliance/common/migrate/index.js';
import { decodeLine } from '../appliance/correlator/adapters/event-decoder.js';
import { buildRow } from '../appliance/correlator/domain/row.js';
import { startCorrelator } from '../appliance/correlator/service.js';
import { cpuLabel, load1m, median, rate, writeResult } from './lib/bench.js';
import { benchDomain, REQUESTS_PER_CONN, workload } from './lib/bench-correlator-domain.js';
import { isEntryPoint, runMain } from './lib/cli.js';

const EMBEDDED_ROWS = Number(process.env.BENCH_ROWS ?? 60_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

/** The decoder before event-validator.ts, for comparison in the same run: JSON.parse + zod safeParse. */
function decodeWithZod(line: string): boolean {
  try {
    const v = JSON.parse(line) as { type?: unknown };
    return (v?.type === 'http' ? httpEventSchema : tlsEventSchema).safeParse(v).success;
  } catch {
    return false;
  }
}

function benchDecode() {
  const { tls, http } = workload(5_000, 'dec');
  const lines = [...http.map((e) => JSON.stringify(e)), ...tls.map((e) => JSON.stringify(e))];
  const best = { compiled: 0, zod: 0, parseOnly: 0, dupKeys: 0, ips: 0 };
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // Alternated, best of 3 each: the machine is shared.
  for (let round = 0; round < 3; round++) {
    let t0 = performance.now();
    for (let i = 0; i < lines.length; i++) if (hasDuplicateKeys(lines[i], parsed[i])) throw new Error('dup');
    best.dupKeys = Math.max(best.dupKeys, rate(lines.length, performance.now() - t0));
    t0 = performance.now();
    for (const e of http) {
      if (!canonicalIp(e.client_ip) || !canonicalIp(e.conn_ip) || !canonicalIp(e.local_ip))
        throw new Error('ip');
    }
    best.ips = Math.max(best.ips, rate(http.length, performance.now() - t0));
    let t = performance.now();
    let ok = 0;
    for (const line of lines)
      if (decodeLine(line, line.startsWith('{"type":"http"') ? 'http' : 'tls').ok) ok++;
    best.compiled = Math.max(best.compiled, rate(ok, performance.now() - t));
    t = performance.now();
    ok = 0;
    for (const line of lines) if (decodeWithZod(line)) ok++;
    best.zod = Math.max(best.zod, rate(ok, performance.now() - t));
    t = performance.now();
    for (const line of lines) JSON.parse(line);
    best.parseOnly = Math.max(best.parseOnly, rate(lines.length, performance.now() - t));
    if (ok !== lines.length) throw new Error('decode bench: lines refused');
  }
  return {
    lines_per_s: best.compiled,
    lines_per_s_zod_safe_parse: best.zod,
    json_parse_only_per_s: best.parseOnly,
    duplicate_key_scan_per_s: best.dupKeys,
    address_checks_per_s: best.ips,
    note: 'decodeLine (JSON.parse + validator compiled from the zod schemas + duplicate-key scan + address and time checks) against JSON.parse + zod safeParse (strict), and JSON.parse alone; the duplicate-key scan alone (lines/s) and the three address checks of a request alone (requests/s); best of 3 each, alternated',
  };
}

async function prepare(ch: ClickHouseHandle) {
  try {
    await migrateUp(ch.client);
    return 'migrateUp';
  } catch (err) {
    console.warn(
      `migrateUp failed (${(err as Error).message.split('\n')[0]}); applying migrations/ directly`,
    );
  }
  await ch.client.command({ query: 'CREATE DATABASE IF NOT EXISTS ja4_processing' });
  for (const m of readMigrations()) {
    try {
      for (const query of splitStatements(m.up)) await ch.client.command({ query });
    } catch (err) {
      console.warn(`skipping ${m.file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return 'migration files applied directly';
}

async function countLike(ch: ClickHouseHandle, table: 'http_logs_raw' | 'http_logs', run: string) {
  const where =
    table === 'http_logs' ? 'conn_id LIKE {p:String}' : "JSONExtractString(raw, 'conn_id') LIKE {p:String}";
  const rs = await ch.client.query({
    query: `SELECT count() AS n FROM ja4_processing.${table} WHERE ${where}`,
    format: 'JSONEachRow',
    query_params: { p: `${run}-%` },
  });
  return Number(((await rs.json()) as { n: string }[])[0].n);
}

/** Bare @clickhouse/client inserts of the correlator's rows, same batch size, no correlator. */
async function benchBare(ch: ClickHouseHandle, format: 'JSONEachRow' | 'LineAsString', run: string) {
  const { tls, http } = workload(EMBEDDED_ROWS / REQUESTS_PER_CONN, run);
  const lines = http.map((h, i) => JSON.stringify(buildRow(h, tls[Math.floor(i / REQUESTS_PER_CONN)])));
  const batch = 10_000;
  const t = performance.now();
  for (let i = 0; i < lines.length; i += batch) {
    const slice = lines.slice(i, i + batch);
    if (format === 'JSONEachRow') {
      await ch.client.insert({
        table: 'ja4_processing.http_logs_raw',
        columns: ['raw'],
        values: slice.map((raw) => ({ raw })),
        format: 'JSONEachRow',
        // A unique token per batch, as the correlator sends: the same work for ClickHouse.
        clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: `${run}-${i}` },
      });
    } else {
      const res = await ch.client.exec({
        query: `INSERT INTO ja4_processing.http_logs_raw (raw) SETTINGS insert_deduplication_token = '${run}-${i}' FORMAT LineAsString`,
        values: Readable.from([`${slice.join('\n')}\n`]),
      });
      res.stream.resume();
    }
  }
  const ms = performance.now() - t;
  const typed = await countLike(ch, 'http_logs', run);
  if (typed !== lines.length)
    throw new Error(`bare ${format}: ${typed} of ${lines.length} rows in http_logs`);
  return { rows: lines.length, rows_per_s: rate(lines.length, ms) };
}

/** The whole correlator: producers write lines to the sockets; timed until the last row is written. */
async function benchEndToEnd(
  ch: ClickHouseHandle,
  format: 'JSONEachRow' | 'LineAsString',
  run: string,
  wal = true,
) {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-bench-corr-'));
  const base = defaultConfig();
  const config: Config = {
    ...base,
    sockets: { ...base.sockets, http: join(dir, 'http.socket'), network: join(dir, 'network.socket') },
    correlator: {
      ...base.correlator,
      spool_dir: join(dir, 'spool'),
      metrics_port: 0,
      insert_format: format,
      wal,
    },
  };
  const handle = await startCorrelator({ config, log: pino({ level: 'warn' }), clickhouse: ch });
  const { tls, http } = workload(EMBEDDED_ROWS / REQUESTS_PER_CONN, run);
  const tlsText = `${tls.map((e) => JSON.stringify(e)).join('\n')}\n`;
  // The producers share this process (and its event loop) with the correlator, which they do not
  // in production (Apache, the sentinel): their lines go in ~64 KiB writes, which costs this
  // process about 0.5 µs a line instead of about 3 µs for one write per line. The correlator reads
  // the same bytes either way (the kernel coalesces a producer's writes into its reads).
  const httpLines = chunksOf(
    http.map((e) => `${JSON.stringify(e)}\n`),
    64 * 1024,
  );
  const t = performance.now();
  await writeAll(config.sockets.network, [tlsText]);
  await writeAll(config.sockets.http, httpLines);
  while (handle.status().rowsWritten < http.length) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t;
  const readToLog = await readToLogMs(handle.registry);
  await handle.close();
  const typed = await countLike(ch, 'http_logs', run);
  if (typed !== http.length)
    throw new Error(`end to end ${format}: ${typed} of ${http.length} rows in http_logs`);
  return {
    rows: http.length,
    rows_per_s: rate(http.length, ms),
    correlated: handle.join.stats.joined,
    readToLog,
  };
}

/** Mean and 99th-percentile bucket of ja4_correlator_read_to_log_seconds, in ms (log on only). */
async function readToLogMs(registry: Registry) {
  const m = (await registry.getSingleMetric('ja4_correlator_read_to_log_seconds')?.get()) as
    | { values: { metricName?: string; labels: { le?: string | number }; value: number }[] }
    | undefined;
  const v = m?.values ?? [];
  const count = v.find((x) => x.metricName?.endsWith('_count'))?.value ?? 0;
  const sum = v.find((x) => x.metricName?.endsWith('_sum'))?.value ?? 0;
  if (count === 0) return undefined;
  const p99 = v.find((x) => x.metricName?.endsWith('_bucket') && x.value >= 0.99 * count)?.labels.le;
  return {
    reads: count,
    mean_ms: Number(((sum / count) * 1000).toFixed(3)),
    // The bucket's upper bound; -1 for the +Inf bucket (past the largest bound, 50 ms).
    p99_bucket_ms: Number.isFinite(Number(p99)) ? Number(p99) * 1000 : -1,
  };
}

/** Consecutive lines joined into strings of about `size` characters. */
function chunksOf(lines: string[], size: number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let len = 0;
  for (const line of lines) {
    cur.push(line);
    len += line.length;
    if (len >= size) {
      out.push(cur.join(''));
      cur = [];
      len = 0;
    }
  }
  if (cur.length > 0) out.push(cur.join(''));
  return out;
}

async function writeAll(path: string, chunks: string[]): Promise<void> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const chunk of chunks) {
    if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function main() {
  const loadBefore = load1m();
  console.log('domain …');
  const domain = benchDomain();
  console.log(domain);
  const decode = benchDecode();
  console.log(decode);
  const ch = await openClickHouse({
    ...defaultConfig().clickhouse,
    url: `embedded:${mkdtempSync(join(tmpdir(), 'ja4-bench-ch-'))}`,
  });
  const schema = await prepare(ch);
  const runs: Record<string, number[]> = {
    bare_json_each_row: [],
    bare_line_as_string: [],
    correlator_line_as_string: [],
    correlator_json_each_row: [],
    correlator_json_each_row_log_off: [],
  };
  const readToLog: { reads: number; mean_ms: number; p99_bucket_ms: number }[] = [];
  try {
    // Warm-up (first parts, dictionaries loaded), then the four alternated, ROUNDS times: the
    // machine is shared, so each figure is the median of its rounds, measured side by side.
    // (With an even number of rounds the median is the upper middle value.)
    await benchBare(ch, 'JSONEachRow', 'warm');
    for (let round = 1; round <= ROUNDS; round++) {
      const cases = [
        ['bare_json_each_row', () => benchBare(ch, 'JSONEachRow', `b1r${round}`)],
        ['bare_line_as_string', () => benchBare(ch, 'LineAsString', `b2r${round}`)],
        ['correlator_line_as_string', () => benchEndToEnd(ch, 'LineAsString', `e1r${round}`)],
        ['correlator_json_each_row', () => benchEndToEnd(ch, 'JSONEachRow', `e2r${round}`)],
        ['correlator_json_each_row_log_off', () => benchEndToEnd(ch, 'JSONEachRow', `e3r${round}`, false)],
      ] as const;
      // Rotate the order each round: later runs meet a bigger table and more background merges.
      const order = cases.map((_, i) => cases[(i + round - 1) % cases.length]);
      for (const [name, fn] of order) {
        const out: { rows_per_s: number; readToLog?: (typeof readToLog)[number] } = await fn();
        const { rows_per_s } = out;
        if (name === 'correlator_json_each_row' && out.readToLog) readToLog.push(out.readToLog);
        runs[name].push(rows_per_s);
        console.log(`round ${round} ${name}: ${rows_per_s} rows/s`);
      }
    }
  } finally {
    await ch.close();
  }
  const embedded = Object.fromEntries(
    Object.entries(runs).map(([name, rates]) => [
      name,
      { rows_per_s: Math.round(median(rates)), rounds: rates },
    ]),
  ) as Record<keyof typeof runs, { rows_per_s: number; rounds: number[] }>;
  // Each round's correlator cases against that round's bare JSONEachRow, measured minutes apart at
  // most: steadier than a ratio of medians when the machine's load drifts during the run.
  const paired = (name: 'correlator_json_each_row' | 'correlator_line_as_string') =>
    runs[name].map((r, i) => Number((r / runs.bare_json_each_row[i]).toFixed(3)));
  // The log's cost: each round's correlator with the log on over the same round's with it off.
  const logOnOverOff = runs.correlator_json_each_row.map((r, i) =>
    Number((r / runs.correlator_json_each_row_log_off[i]).toFixed(3)),
  );
  const bare = embedded.bare_json_each_row.rows_per_s;
  const best = Math.max(
    embedded.correlator_line_as_string.rows_per_s,
    embedded.correlator_json_each_row.rows_per_s,
  );
  const result = {
    benchmark: 'correlator',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuLabel(),
    // The machine is shared: the 1-minute load average before and after says how much.
    load_avg_1m: { before: loadBefore, after: load1m() },
    schema,
    domain,
    decode,
    embedded: { rows_per_case: EMBEDDED_ROWS, batch_rows: 10_000, rounds: ROUNDS, ...embedded },
    goals: {
      domain_joined_per_s_min: 200_000,
      domain_met: domain.joined_per_s >= 200_000,
      end_to_end_vs_bare_json_each_row: Number((best / bare).toFixed(3)),
      end_to_end_met: best >= 0.9 * bare,
      paired_rounds_vs_bare_json_each_row: {
        correlator_json_each_row: paired('correlator_json_each_row'),
        correlator_line_as_string: paired('correlator_line_as_string'),
        median_json_each_row: median(paired('correlator_json_each_row')),
        median_line_as_string: median(paired('correlator_line_as_string')),
      },
    },
    log: {
      note: 'correlator JSONEachRow end to end with its log of accepted lines on (correlator.wal: true, wal_fsync: batch, the defaults) and off, in the same rounds',
      log_on_rows_per_s: embedded.correlator_json_each_row.rows_per_s,
      log_off_rows_per_s: embedded.correlator_json_each_row_log_off.rows_per_s,
      paired_rounds_on_over_off: logOnOverOff,
      median_on_over_off: median(logOnOverOff),
      read_to_log_ms: readToLog,
      read_to_log_note:
        'per log-on round: reads, mean ms from a read arriving to its lines being in the log (what a crash at that moment loses), and the histogram bucket holding the 99th percentile',
    },
  };
  writeResult('correlator', result);
  console.log(JSON.stringify(result.goals));
  console.log(JSON.stringify(result.log));
}

if (isEntryPoint(import.meta.url)) runMain('bench-correlator', main);
