import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseHandle, defaultConfig, openClickHouse } from '../../../../appliance/common/index.js';
import { loadDictionaries, migrateUp } from '../../../../appliance/common/migrate/index.js';
import {
  type CycleResult,
  type DetectorState,
  newState,
  runCycle,
} from '../../../../appliance/detector/cycle.js';
import {
  browserVisits,
  HOSTING,
  insertTraffic,
  ipIn,
  RESIDENTIAL,
  toolSession,
} from '../../../helpers/detector-traffic.js';

/**
 * The detector on a fresh install with no demo seed: real-ish browser visits and tools through
 * the real materialized views on the embedded engine. It must form a baseline from the browsers
 * alone, flag the tools with the source that decided, honour analyst lists, score only what is
 * new, and keep one current score per feature row and model version.
 */
const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const H = Math.floor(Date.now() / HOUR) * HOUR;
// The cycles' clock: late in the current hour, so the traffic below is in two closed hours and this one.
const now = new Date(H + 50 * 60_000);
const us = (ms: number) => ms * 1000;

const CURL_IP = ipIn(HOSTING[0], 7);
const WGET_IP = ipIn(HOSTING[1], 8);
const PYTHON_IP = ipIn(HOSTING[2], 9);
const CURL_HOME_IP = ipIn(RESIDENTIAL[0], 9_000);
const TOOL_IPS = [CURL_IP, WGET_IP, PYTHON_IP, CURL_HOME_IP];

let dir: string;
let ch: ClickHouseHandle;
const state: DetectorState = newState();
let first: CycleResult;

function config() {
  const c = defaultConfig();
  Object.assign(c.detector, { model_dir: join(dir, 'models') });
  return c;
}

const cycle = (id: string, at = now) =>
  runCycle({ client: ch.client, config: config(), log, now: at, cycleId: id, state, resolver: null });

async function select<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** The newest score of every feature row (what the dashboard reads), keyed by address. */
async function currentVerdicts() {
  return select<{
    src_ip: string;
    hour: string;
    verdict: string;
    verdict_source: string;
    is_anomaly: boolean;
  }>(
    `SELECT src_ip, toString(hour) AS hour, argMax(toString(verdict), scored_at) AS verdict,
            argMax(toString(verdict_source), scored_at) AS verdict_source, argMax(is_anomaly, scored_at) AS is_anomaly
     FROM ja4_processing.ml_all_scores GROUP BY src_ip, hour, host, ja4`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ja4-detection-'));
  ch = await openClickHouse({ ...defaultConfig().clickhouse, url: `embedded:${join(dir, 'ch')}` });
  await migrateUp(ch.client, {});
  await loadDictionaries(ch.client, {});
  const start = H - 2 * HOUR;
  await insertTraffic(
    ch.client,
    [
      ...browserVisits(60, us(start), us(2 * HOUR + 20 * 60_000)),
      ...toolSession('curl', CURL_IP, us(start + 10 * 60_000), 40, 1),
      ...toolSession('wget', WGET_IP, us(start + HOUR + 5 * 60_000), 25, 2),
      ...toolSession('python-chrome-ua', PYTHON_IP, us(H + 5 * 60_000), 30, 3),
      ...toolSession('curl-unlisted', CURL_HOME_IP, us(H + 10 * 60_000), 12, 4),
    ],
    'day-one',
  );
  first = await cycle('first');
}, 180_000);

afterAll(async () => {
  await ch?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a fresh install with no demo seed', () => {
  it('forms a baseline from the browser visits alone and trains a model', () => {
    expect(first.kind).toBe('full');
    expect(first.status).toBe('ok');
    expect(first.baseline_rows).toBeGreaterThanOrEqual(config().detector.min_baseline);
    expect(first.model_version).toMatch(/^iforest-/);
  });

  it('flags every tool and almost no browser', async () => {
    const verdicts = await currentVerdicts();
    const tools = verdicts.filter((v) => TOOL_IPS.includes(v.src_ip));
    expect(new Set(tools.map((t) => t.src_ip))).toEqual(new Set(TOOL_IPS));
    for (const t of tools) expect(t.is_anomaly, `${t.src_ip}: ${t.verdict}`).toBe(true);
    const browsers = verdicts.filter((v) => !TOOL_IPS.includes(v.src_ip));
    const flagged = browsers.filter((b) => b.is_anomaly).length;
    expect(flagged / browsers.length).toBeLessThanOrEqual(0.05);
  });

  it('flags curl and wget with honest User-Agents from a hosting network, saying which source decided', async () => {
    const rows = await select<{
      src_ip: string;
      verdict: string;
      verdict_source: string;
      confidence: number;
      reasons: { code: string; value: string }[];
    }>(
      `SELECT src_ip, toString(verdict) AS verdict, toString(verdict_source) AS verdict_source, confidence, reasons
       FROM ja4_processing.ml_detected_anomalies WHERE src_ip IN {ips:Array(String)} AND cycle_id = 'first'`,
      { ips: [CURL_IP, WGET_IP, CURL_HOME_IP] },
    );
    const by = new Map(rows.map((r) => [r.src_ip, r]));
    for (const ip of [CURL_IP, WGET_IP]) {
      const r = by.get(ip);
      expect(r?.verdict).toBe('automated');
      expect(['known_list', 'heuristic']).toContain(r?.verdict_source);
      expect(r?.confidence).toBeGreaterThan(0.5);
      expect(r?.reasons.some((x) => x.code === 'network_kind' && x.value === 'hosting')).toBe(true);
    }
    // A curl whose JA4 no list names is still a tool: its UA says so.
    expect(by.get(CURL_HOME_IP)).toMatchObject({ verdict: 'automated', verdict_source: 'heuristic' });
    expect(by.get(CURL_HOME_IP)?.reasons[0].code).toBe('declared_tool');
  });
});

describe('cost follows new data', () => {
  it('a cycle with no new request writes nothing and keeps the model', async () => {
    const [before] = await select<{ n: number }>(
      'SELECT toUInt32(count()) AS n FROM ja4_processing.ml_all_scores',
    );
    const r = await cycle('idle', new Date(now.getTime() + 60_000));
    expect(r.kind).toBe('incremental');
    expect(r.status).toBe('no_new_data');
    expect(r.model_version).toBe(first.model_version);
    const [after] = await select<{ n: number }>(
      'SELECT toUInt32(count()) AS n FROM ja4_processing.ml_all_scores',
    );
    expect(after.n).toBe(before.n);
  });

  it('scores only the rows with new requests: closed hours are not scored again', async () => {
    const closed = () =>
      select<{ n: number }>(
        `SELECT toUInt32(count()) AS n FROM ja4_processing.ml_all_scores WHERE hour < toDateTime({h:UInt32}, 'UTC')`,
        { h: H / 1000 },
      );
    const [before] = await closed();
    await insertTraffic(ch.client, browserVisits(3, us(H + 42 * 60_000), us(60_000), 'late'), 'late');
    const r = await cycle('late', new Date(now.getTime() + 2 * 60_000));
    expect(r.kind).toBe('incremental');
    expect(r.model_version).toBe(first.model_version);
    // Only the new visits' rows are written (rows ingested just before the watermark are read
    // again, as async inserts may commit out of order, but they have not changed).
    expect(r.rows_written).toBeGreaterThanOrEqual(3);
    expect(r.rows_written).toBeLessThan(first.rows / 4);
    const [after] = await closed();
    expect(after.n).toBe(before.n);
    const written = await select<{ hour: string }>(
      `SELECT DISTINCT toString(hour) AS hour FROM ja4_processing.ml_all_scores WHERE cycle_id = 'late'`,
    );
    for (const w of written) expect(Date.parse(`${w.hour}Z`)).toBeGreaterThanOrEqual(H);
  });

  it('keeps one current score per feature row and model version', async () => {
    await ch.client.command({ query: 'OPTIMIZE TABLE ja4_processing.ml_all_scores FINAL' });
    const [r] = await select<{ n: number; keys: number }>(
      `SELECT toUInt32(count()) AS n, toUInt32(uniqExact(src_ip, hour, host, ja4, model_version)) AS keys
       FROM ja4_processing.ml_all_scores`,
    );
    expect(r.n).toBe(r.keys);
  });
});

describe('analyst decisions', () => {
  it('never flags an allow-listed address and always flags a deny-listed one', async () => {
    const browser = (await currentVerdicts()).find((v) => !TOOL_IPS.includes(v.src_ip) && !v.is_anomaly);
    expect(browser).toBeDefined();
    const entry = (list: string, ip: string) => ({
      id: crypto.randomUUID(),
      version: '2026-01-01 00:00:00.000',
      list,
      subject_kind: 'ip',
      subject: ip,
      note: 'test',
      created_by: 'analyst',
      created_at: '2026-01-01 00:00:00.000',
      expires_at: null,
      deleted: 0,
    });
    await ch.client.insert({
      table: 'ja4_processing.analyst_lists',
      values: [entry('allow', CURL_IP), entry('deny', browser!.src_ip)],
      format: 'JSONEachRow',
    });
    const r = await cycle('decided', new Date(now.getTime() + 3 * 60_000));
    expect(r.kind).toBe('rescore');
    const verdicts = await currentVerdicts();
    for (const v of verdicts.filter((x) => x.src_ip === CURL_IP)) {
      expect(v).toMatchObject({ verdict: 'allowed', verdict_source: 'analyst', is_anomaly: false });
    }
    for (const v of verdicts.filter((x) => x.src_ip === browser!.src_ip)) {
      expect(v).toMatchObject({ verdict: 'denied', verdict_source: 'analyst', is_anomaly: true });
    }
    // The anomalies page's current verdict (each hour's newest cycle) drops the allowed address.
    const current = await select<{ src_ip: string }>(
      `SELECT src_ip FROM ja4_processing.ml_detected_anomalies
       WHERE (hour, detected_at) IN (SELECT hour, max(detected_at) FROM ja4_processing.ml_detected_anomalies GROUP BY hour)`,
    );
    const ips = new Set(current.map((c) => c.src_ip));
    expect(ips.has(CURL_IP)).toBe(false);
    expect(ips.has(browser!.src_ip)).toBe(true);
    expect(ips.has(WGET_IP)).toBe(true);
  });
});
