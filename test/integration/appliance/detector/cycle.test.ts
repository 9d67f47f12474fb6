import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseHandle, defaultConfig, openClickHouse } from '../../../../appliance/common/index.js';
import {
  defaultDictionariesDir,
  loadDictionaries,
  migrateUp,
} from '../../../../appliance/common/migrate/index.js';
import { readBotLists, writeSeed } from '../../../../appliance/demo/index.js';
import { type CycleResult, newState, runCycle } from '../../../../appliance/detector/cycle.js';
import { FEATURE_NAMES } from '../../../../appliance/detector/features.js';
import { loadModel } from '../../../../appliance/detector/model/serialize.js';
import { rotate } from '../../../../appliance/detector/rotation.js';
import { rocAuc } from '../../../../scripts/lib/detector-eval.js';

/**
 * A full cycle on the embedded engine after seeding (the demo's labelled data through the real
 * materialized views and view_ai_features_1h), then the baseline guard, determinism, recurrence
 * and rotation against the tables it wrote.
 */
const log = pino({ level: 'silent' });
// The seeded window ends at the current hour, so the tables' 30-day TTLs never touch it.
const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 20 * 60_000);
const endUs = Math.floor(now.getTime() / 3_600_000) * 3_600_000 * 1000;

let dir: string;
let modelDir: string;
let ch: ClickHouseHandle;
let first: CycleResult;

function config(over: Partial<ReturnType<typeof defaultConfig>['detector']> = {}) {
  const c = defaultConfig();
  Object.assign(c.detector, { model_dir: modelDir, ...over });
  return c;
}

/** A full cycle from a fresh state (train on the window, score every row), as on a first start. */
const full = (cycleId: string, over: Partial<ReturnType<typeof defaultConfig>['detector']> = {}) =>
  runCycle({
    client: ch.client,
    config: config(over),
    log,
    now,
    cycleId,
    state: newState(),
    kind: 'full',
    resolver: null,
  });

async function select<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ja4-detector-'));
  modelDir = join(dir, 'models');
  ch = await openClickHouse({ ...defaultConfig().clickhouse, url: `embedded:${join(dir, 'ch')}` });
  await migrateUp(ch.client, {});
  await loadDictionaries(ch.client, {});
  const bots = readBotLists(defaultDictionariesDir());
  await writeSeed(
    ch.client,
    { seed: '42', scale: 1, endUs, hours: 24, bots },
    { runId: 'test', batchRows: 20_000 },
  );
  first = await full('cycle-1');
});

afterAll(async () => {
  await ch?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a cycle after seeding', () => {
  it('scores every feature row into ml_all_scores with the features used', async () => {
    expect(first.status).toBe('ok');
    expect(first.baseline_rows).toBeGreaterThanOrEqual(config().detector.min_baseline);
    const [{ n }] = await select<{ n: number }>(
      `SELECT toUInt32(count()) AS n FROM ja4_processing.view_ai_features_1h
       WHERE hour >= parseDateTimeBestEffort({from:String}) AND hour < parseDateTimeBestEffort({to:String})`,
      { from: first.window_from, to: first.window_to },
    );
    expect(first.rows).toBe(n);
    const scores = await select<{ n: number; keys: string[]; model_version: string; lo: number; hi: number }>(
      `SELECT toUInt32(count()) AS n, any(mapKeys(features)) AS keys, any(model_version) AS model_version,
              min(score) AS lo, max(score) AS hi
       FROM ja4_processing.ml_all_scores WHERE cycle_id = 'cycle-1'`,
    );
    expect(scores[0].n).toBe(n);
    expect([...scores[0].keys].sort()).toEqual([...FEATURE_NAMES].sort());
    expect(scores[0].model_version).toBe(first.model_version);
    expect(scores[0].lo).toBeGreaterThan(0);
    expect(scores[0].hi).toBeLessThanOrEqual(1);
  });

  it('writes the rows above the threshold to ml_detected_anomalies, each with reasons', async () => {
    const anomalies = await select<{ score: number; reason: string; bot_ja4_label: string }>(
      `SELECT score, reason, bot_ja4_label FROM ja4_processing.ml_detected_anomalies WHERE cycle_id = 'cycle-1'`,
    );
    expect(anomalies.length).toBe(first.anomalies);
    expect(anomalies.length).toBeGreaterThan(0);
    for (const a of anomalies) {
      expect(a.score).toBeGreaterThanOrEqual(first.threshold!);
      expect(a.reason.length).toBeGreaterThan(0);
      if (a.bot_ja4_label) expect(a.reason).toContain(`TLS fingerprint of a known bot (${a.bot_ja4_label})`);
    }
  });

  it('separates the seeded bots from the humans (labels from seed_labels)', async () => {
    const scored = await select<{ score: number; bot: number }>(
      `SELECT s.score AS score, toUInt8(max(l.label = 'bot')) AS bot
       FROM ja4_processing.ml_all_scores AS s
       INNER JOIN ja4_processing.seed_labels AS l ON l.client_ip = s.src_ip AND l.ja4 = toString(s.ja4)
       WHERE s.cycle_id = 'cycle-1'
       GROUP BY s.src_ip, s.hour, s.host, s.ja4, s.score`,
    );
    expect(scored.length).toBe(first.rows);
    expect(
      rocAuc(
        scored.map((r) => r.score),
        scored.map((r) => r.bot === 1),
      ),
    ).toBeGreaterThanOrEqual(0.95);
  });

  it('saves the model where it can be loaded again', () => {
    const { saved } = loadModel(JSON.parse(readFileSync(join(modelDir, 'latest.json'), 'utf8')));
    expect(saved.model_version).toBe(first.model_version);
    expect(saved.feature_names).toEqual([...FEATURE_NAMES]);
  });

  it('gives the same scores for the same seed and data, and names recurring IPs', async () => {
    const second = await full('cycle-2');
    expect(second.status).toBe('ok');
    const diff = await select<{ n: number; differ: number }>(
      `SELECT toUInt32(count()) AS n, toUInt32(countIf(a.score != b.score)) AS differ
       FROM (SELECT src_ip, hour, host, ja4, score FROM ja4_processing.ml_all_scores WHERE cycle_id = 'cycle-1') AS a
       INNER JOIN (SELECT src_ip, hour, host, ja4, score FROM ja4_processing.ml_all_scores WHERE cycle_id = 'cycle-2') AS b
       USING (src_ip, hour, host, ja4)`,
    );
    expect(diff[0]).toEqual({ n: first.rows, differ: 0 });
    const other = await full('cycle-3', { seed: 7 });
    expect(other.model_version).not.toBe(first.model_version);
    // An IP flagged in several hours by cycle 1 is named as recurring by cycle 2.
    const recurring = await select<{ src_ip: string }>(
      `SELECT src_ip FROM ja4_processing.ml_detected_anomalies WHERE cycle_id = 'cycle-1'
       GROUP BY src_ip HAVING uniqExact(hour) > 1 LIMIT 1`,
    );
    expect(recurring.length).toBe(1); // seed 42 has such IPs (known bots active in several hours)
    const reasons = await select<{ reason: string }>(
      `SELECT reason FROM ja4_processing.ml_detected_anomalies WHERE cycle_id = 'cycle-2' AND src_ip = {ip:String}`,
      { ip: recurring[0].src_ip },
    );
    expect(reasons.some((r) => r.reason.includes('IP already flagged in'))).toBe(true);
  });
});

describe('baseline guard', () => {
  it('below min_baseline records why and judges rows by the explicit signals only', async () => {
    const r = await full('guarded', { min_baseline: 1_000_000 });
    expect(r.status).toBe('insufficient_baseline');
    expect(r.reason).toContain(`${r.baseline_rows} baseline rows`);
    expect(r.reason).toContain('min_baseline = 1000000');
    expect(r.model_version).toBe('signals-only');
    const [{ n, flagged, models }] = await select<{ n: number; flagged: number; models: string[] }>(
      `SELECT toUInt32(count()) AS n, toUInt32(countIf(is_anomaly)) AS flagged, groupUniqArray(toString(verdict_source)) AS models
       FROM ja4_processing.ml_all_scores WHERE cycle_id = 'guarded'`,
    );
    expect(n).toBe(r.rows);
    expect(flagged).toBeGreaterThan(0);
    expect(models).not.toContain('model');
  });
});

describe('rotation', () => {
  it('drops day partitions older than retention.ml_days and keeps the rest', async () => {
    const old = new Date(now.getTime() - 10 * 86_400_000);
    const oldTime = old.toISOString().slice(0, 19).replace('T', ' ');
    const oldHour = `${oldTime.slice(0, 13)}:00:00`;
    await ch.client.insert({
      table: 'ja4_processing.ml_all_scores',
      values: [
        { scored_at: oldTime, cycle_id: 'old', hour: oldHour, src_ip: '192.0.2.1', score: 0.9, features: {} },
      ],
      format: 'JSONEachRow',
    });
    await ch.client.insert({
      table: 'ja4_processing.ml_detected_anomalies',
      values: [
        {
          detected_at: oldTime,
          hour: oldHour,
          src_ip: '192.0.2.1',
          cycle_id: 'old',
          score: 0.9,
          features: {},
        },
      ],
      format: 'JSONEachRow',
    });
    const cfg = defaultConfig();
    cfg.retention.ml_days = 7;
    const { dropped } = await rotate(ch.client, cfg, log, now);
    const day = oldHour.slice(0, 10).replace(/-/g, '');
    expect(dropped).toEqual(
      expect.arrayContaining([
        { table: 'ml_all_scores', partition_id: day },
        { table: 'ml_detected_anomalies', partition_id: day },
      ]),
    );
    const left = await select<{ old: number; recent: number }>(
      `SELECT toUInt32(countIf(cycle_id = 'old')) AS old, toUInt32(countIf(cycle_id = 'cycle-1')) AS recent
       FROM ja4_processing.ml_all_scores`,
    );
    expect(left[0]).toEqual({ old: 0, recent: first.rows });
  });
});
