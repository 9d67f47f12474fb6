import type { ClickHouseClient } from '@clickhouse/client';
import pino from 'pino';
import { type Config, defaultConfig } from '../../appliance/common/index.js';
import { type CycleKind, type CycleResult, newState, runCycle } from '../../appliance/detector/cycle.js';

/**
 * The detector's scale stage: a simulated day of cycles at a given request rate, through the real
 * schema on the embedded engine. Requests are made in SQL (INSERT … SELECT from numbers()) straight
 * into http_logs, whose materialized view fills the hourly rollup as live traffic does; every
 * 15-minute slot's requests are inserted, then a cycle runs with its clock at the slot's end.
 * Each hour has its own population of client addresses (about one feature row per five requests,
 * as the 10M-a-day dashboard data set has); a slot draws from half of it, shifted by a quarter
 * each slot, so consecutive slots share half their clients (visits last minutes, not the hour) and
 * later slots change rows that earlier ones created. 95% browsers (Chrome, Firefox, Safari with their own JA4, UA
 * and SYN) on an ISP, 5% curl from a hosting network.
 */
export const SLOT_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;

export interface SlotRun {
  slot: number;
  kind: CycleKind;
  status: string;
  rows_read: number;
  rows_written: number;
  anomalies: number;
  carried: number;
  ms: number;
  /** CPU time of the process (user + system, every thread: chDB runs in-process) during the cycle. */
  cpu_ms: number;
  insert_ms: number;
  durations_ms: CycleResult['durations_ms'];
}

const INSERT = `
INSERT INTO ja4_processing.http_logs
  (ts, ingest_time, vhost, host, method, path, protocol, status, client_ip, conn_ip, conn_port, tls, user_agent,
   header_count, correlated, ja4, tls_version, tcp_window, tcp_mss, tcp_ttl, tcp_options, asn, asn_name, asn_label)
SELECT
  fromUnixTimestamp64Milli(toInt64({t0:Int64} + intDiv(number * {span:Int64}, {n:UInt64})), 'UTC') AS ts,
  now64(3) AS ingest_time, 'www.example.com', 'www.example.com', if(tool, 'GET', if(number % 20 = 0, 'POST', 'GET')),
  if(tool, concat('/admin/', toString(number % 300)), concat('/products/', toString(ipn % 500))), 'HTTP/2.0',
  toUInt16(if(tool, 404, 200)), ip, ip, toUInt16(40000 + number % 20000), true,
  multiIf(tool, 'curl/7.88.1', fam = 0, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
          fam = 1, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15'),
  toUInt16(if(tool, 3, 14)), true,
  multiIf(tool, 't13d3112h2_e8f1e7e78f70_b26ce05bbdd6', fam = 0, 't13d1516h2_8daaf6152771_e5627efa2ab1',
          fam = 1, 't13d1715h2_5b57614c22b0_3d5424432f57', 't13d2613h2_2802a3db6c62_845d286b0d67'), '1.3',
  toUInt16(if(fam = 2 AND NOT tool, 65535, 64240)), toUInt16(1460), toUInt8(if(tool OR fam = 2, 52, 116)),
  multiIf(tool, '2-4-8-1-3', fam = 2, '2-1-3-1-1-8-4-0-0', '2-1-3-1-1-4'),
  toUInt32(if(tool, 14061, 3215)), if(tool, 'DigitalOcean', 'Orange'), if(tool, 'hosting', 'isp')
FROM (
  SELECT number, ({quarter:UInt64} * intDiv({pool:UInt64}, 4) + cityHash64({hour:UInt64}, {quarter:UInt64}, number) % greatest(1, intDiv({pool:UInt64}, 2))) % {pool:UInt64} AS ipn, ipn % 100 < 5 AS tool, ipn % 3 AS fam,
         IPv4NumToString(toUInt32(1509949440 + {hour:UInt64} % 24 * 4194304 + ipn)) AS ip
  FROM numbers({n:UInt64}))`;

/** Inserts one slot's requests; returns the milliseconds it took. */
export async function insertSlot(
  client: ClickHouseClient,
  perDay: number,
  slotStart: number,
): Promise<number> {
  const t0 = performance.now();
  const n = Math.round(perDay / 96);
  if (n === 0) return 0;
  const hour = Math.floor(slotStart / HOUR_MS);
  await client.command({
    query: INSERT,
    query_params: {
      t0: slotStart,
      span: SLOT_MS - 1,
      n,
      hour,
      quarter: Math.floor((slotStart % HOUR_MS) / SLOT_MS),
      pool: Math.max(4, Math.round((perDay / 24) * 0.2)),
    },
    clickhouse_settings: { async_insert: 0, max_insert_block_size: '1048576' },
  });
  return performance.now() - t0;
}

export function scaleConfig(): Config {
  const c = defaultConfig();
  // The simulation inserts a 15-minute slot every few wall-clock seconds, so the re-read margin
  // (seconds of real ingest time) would span several simulated slots: set it to 0 (inserts here
  // are synchronous, so nothing commits out of order).
  Object.assign(c.detector, { model_dir: '', verify_crawlers: false, ingest_margin_seconds: 0 });
  return c;
}

/**
 * A simulated day: `slots` 15-minute slots from `start`, each inserted then followed by a cycle
 * (`kind` 'auto' is the detector as it runs; 'full' every cycle is the old behaviour, which read,
 * trained on, scored and rewrote the whole window each time).
 */
export async function simulateDay(
  client: ClickHouseClient,
  perDay: number,
  start: number,
  slots: readonly number[],
  kind: CycleKind | 'auto',
  onSlot?: (r: SlotRun) => void,
): Promise<SlotRun[]> {
  const state = newState();
  const log = pino({ level: 'silent' });
  const out: SlotRun[] = [];
  let inserted = 0;
  for (const slot of slots) {
    let insertMs = 0;
    for (; inserted <= slot; inserted++)
      insertMs += await insertSlot(client, perDay, start + inserted * SLOT_MS);
    const now = new Date(start + (slot + 1) * SLOT_MS - 1);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r: CycleResult = await runCycle({
      client,
      config: scaleConfig(),
      log,
      now,
      state: kind === 'full' ? newState() : state,
      kind,
      resolver: null,
    });
    const run: SlotRun = {
      slot,
      kind: r.kind,
      status: r.status,
      rows_read: r.rows,
      rows_written: r.rows_written,
      anomalies: r.anomalies,
      carried: r.carried,
      ms: Math.round(performance.now() - t0),
      cpu_ms: cpuSince(c0),
      insert_ms: Math.round(insertMs),
      durations_ms: r.durations_ms,
    };
    out.push(run);
    onSlot?.(run);
  }
  return out;
}

function cpuSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return Math.round((d.user + d.system) / 1000);
}

/** Rows ml_all_scores holds, and the distinct (feature row, model version) keys among them. */
export async function scoreGrowth(
  client: ClickHouseClient,
): Promise<{ rows: number; keys: number; feature_rows: number }> {
  const q = async (query: string) => {
    const rs = await client.query({
      query,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return Number(Object.values((await rs.json<Record<string, number>>())[0] ?? { n: 0 })[0]);
  };
  return {
    rows: await q('SELECT count() FROM ja4_processing.ml_all_scores'),
    keys: await q(
      'SELECT uniqExact(src_ip, hour, host, ja4, model_version) FROM ja4_processing.ml_all_scores',
    ),
    feature_rows: await q(
      'SELECT count() FROM (SELECT 1 FROM ja4_processing.agg_host_ip_ja4_1h GROUP BY hour, host, src_ip, ja4)',
    ),
  };
}
