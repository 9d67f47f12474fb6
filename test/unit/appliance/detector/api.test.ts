import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClickHouseClient, defaultConfig } from '../../../../appliance/common/index.js';
import type { FeatureRow } from '../../../../appliance/detector/features.js';
import { type DetectorHandle, startDetector } from '../../../../appliance/detector/service.js';
import { syntheticRows } from '../../../../scripts/lib/detector-synthetic.js';
import { FAMILIES } from './helpers.js';

/**
 * A stand-in ClickHouse client: serves feature rows (after `gate` resolves, so a cycle can be held
 * open), lists the tables /ready asks for, and records inserts.
 */
function fakeClient(rows: FeatureRow[], tables: string[], gate: Promise<void> = Promise.resolve()) {
  const inserted: Record<string, number> = {};
  const client = {
    async query({ query }: { query: string }) {
      let result: unknown[] = [];
      if (query.includes('system.tables')) result = tables.map((name) => ({ name }));
      else if (query.includes('dict_ja4_family_source')) result = familyRows;
      else if (query.includes('agg_host_ip_ja4_1h AS agg')) {
        await gate;
        result = rows;
      }
      return { json: async () => result };
    },
    async insert({ table, values }: { table: string; values: unknown[] | AsyncIterable<string | Buffer> }) {
      let n = 0;
      if (Array.isArray(values)) n = values.length;
      // TabSeparated bodies (the score rows) come as a stream of text: one row per line.
      else for await (const chunk of values) n += String(chunk).split('\n').filter(Boolean).length;
      inserted[table] = (inserted[table] ?? 0) + n;
    },
    async command() {
      return {};
    },
  };
  return { client: client as unknown as ClickHouseClient, inserted };
}

const ALL_TABLES = [
  'view_ai_features_1h',
  'ml_all_scores',
  'ml_detected_anomalies',
  'view_ip_recurrence',
  'ml_cycles',
  'ml_score_histogram_1h',
  'dict_ja4_family_source',
];
/** The shipped TLS families, as the cycle reads them from dict_ja4_family_source. */
const familyRows = [...FAMILIES].map(([key, v]) => ({ key, ...v }));
const log = pino({ level: 'silent' });
const TOKEN = 'detector-test-token-0123456789-abcdefghij';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const config = (() => {
  const c = defaultConfig();
  c.detector.model_dir = '';
  c.detector.api_token = TOKEN;
  return c;
})();
const rows = syntheticRows(1200, 5).map((s) => s.row);

/** A gate that holds a cycle open until released; afterEach releases any left closed. */
const gates: (() => void)[] = [];
function heldGate(): { gate: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  gates.push(release);
  return { gate, release };
}

let handle: DetectorHandle | undefined;
afterEach(async () => {
  for (const release of gates.splice(0)) release();
  await handle?.close();
  handle = undefined;
});

describe('detector API', () => {
  it('GET /health and /metrics answer', async () => {
    handle = await startDetector({
      config,
      client: fakeClient(rows, ALL_TABLES).client,
      log,
      listen: false,
      schedule: false,
    });
    const health = await handle.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', service: 'detector' });
    const metrics = await handle.app.inject({ method: 'GET', url: '/metrics', headers: AUTH });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('ja4_detector_cycles_total');
  });

  it('GET /ready is 200 with the schema and 503 naming what is missing', async () => {
    handle = await startDetector({
      config,
      client: fakeClient(rows, ALL_TABLES).client,
      log,
      listen: false,
      schedule: false,
    });
    expect((await handle.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    await handle.close();
    handle = await startDetector({
      config,
      client: fakeClient(rows, ['ml_all_scores']).client,
      log,
      listen: false,
      schedule: false,
    });
    const r = await handle.app.inject({ method: 'GET', url: '/ready', headers: AUTH });
    expect(r.statusCode).toBe(503);
    expect(r.json().reason).toContain('view_ai_features_1h');
    const anonymous = await handle.app.inject({ method: 'GET', url: '/ready' });
    expect(anonymous.statusCode).toBe(503);
    expect(anonymous.json()).toEqual({ ready: false });
  });

  it('POST /run starts a cycle; a second POST while it runs queues one more, which follows it', async () => {
    const { gate, release } = heldGate();
    const fake = fakeClient(rows, ALL_TABLES, gate);
    handle = await startDetector({ config, client: fake.client, log, listen: false, schedule: false });
    const first = await handle.app.inject({ method: 'POST', url: '/run', headers: AUTH });
    expect(first.statusCode).toBe(202);
    expect(first.json().state).toBe('started');
    const { cycle_id } = first.json();
    const second = await handle.app.inject({ method: 'POST', url: '/run', headers: AUTH });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ started: false, state: 'queued' });
    expect(second.json().message).toContain(`running (cycle ${cycle_id}`);
    const during = (await handle.app.inject({ method: 'GET', url: '/status', headers: AUTH })).json();
    expect(during.running.cycle_id).toBe(cycle_id);
    expect(during.queued).toBe(true);

    release();
    const status = async () =>
      (await handle!.app.inject({ method: 'GET', url: '/status', headers: AUTH })).json();
    await expect.poll(async () => (await status()).cycles_run).toBe(2);
    await expect.poll(async () => (await status()).running).toBeNull();
    const after = await status();
    expect(after.queued).toBe(false);
    expect(after.last_cycle.cycle_id).not.toBe(cycle_id);
    // The queued cycle was asked for: it judged the window again with the same model and wrote
    // only the rows whose score or verdict changed (none: same model, same rows).
    expect(after.last_cycle).toMatchObject({ kind: 'rescore', status: 'ok', rows: rows.length });
    expect(after.last_cycle.model_version).toBe(after.last_scored_cycle.model_version);
  });

  it('the result of a cycle is on /status and /metrics', async () => {
    const { gate, release } = heldGate();
    const fake = fakeClient(rows, ALL_TABLES, gate);
    handle = await startDetector({ config, client: fake.client, log, listen: false, schedule: false });
    const { cycle_id } = (await handle.app.inject({ method: 'POST', url: '/run', headers: AUTH })).json();
    release();
    await expect
      .poll(
        async () =>
          (await handle!.app.inject({ method: 'GET', url: '/status', headers: AUTH })).json().running,
      )
      .toBeNull();
    const status = (await handle.app.inject({ method: 'GET', url: '/status', headers: AUTH })).json();
    expect(status.last_cycle).toMatchObject({
      cycle_id,
      status: 'ok',
      rows: rows.length,
      scored: rows.length,
    });
    expect(status.last_cycle.baseline_rows).toBeGreaterThanOrEqual(config.detector.min_baseline);
    expect(status.last_cycle.anomalies).toBeGreaterThan(0);
    expect(status.last_cycle.durations_ms).toHaveProperty('total');
    expect(fake.inserted['ja4_processing.ml_all_scores']).toBe(rows.length);
    expect(fake.inserted['ja4_processing.ml_detected_anomalies']).toBe(status.last_cycle.anomalies);
    const metrics = (await handle.app.inject({ method: 'GET', url: '/metrics', headers: AUTH })).body;
    expect(metrics).toMatch(/ja4_detector_cycles_total\{status="ok",service="detector"\} 1/);
  });

  it('50 concurrent POST /run start at most two cycles: one running, one queued', async () => {
    const { gate, release } = heldGate();
    handle = await startDetector({
      config,
      client: fakeClient(rows, ALL_TABLES, gate).client,
      log,
      listen: false,
      schedule: false,
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => handle!.app.inject({ method: 'POST', url: '/run', headers: AUTH })),
    );
    const states = answers.map((a) => `${a.statusCode} ${a.json().state}`);
    expect(states.filter((s) => s === '202 started')).toHaveLength(1);
    expect(states.filter((s) => s === '202 queued')).toHaveLength(1);
    expect(states.filter((s) => s === '200 already_queued')).toHaveLength(48);
    release();
    const status = async () =>
      (await handle!.app.inject({ method: 'GET', url: '/status', headers: AUTH })).json();
    await expect.poll(async () => (await status()).cycles_run).toBe(2);
    await expect.poll(async () => (await status()).running).toBeNull();
    expect((await status()).cycles_run).toBe(2);
  });

  it('refuses every route but /health and /ready without the token, and starts nothing', async () => {
    handle = await startDetector({
      config,
      client: fakeClient(rows, ALL_TABLES).client,
      log,
      listen: false,
      schedule: false,
    });
    const wrong = [
      {},
      { authorization: 'Bearer wrong-token-0123456789-abcdefghijklmn' },
      { authorization: TOKEN },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
    ];
    for (const headers of wrong) {
      for (const [method, url] of [
        ['GET', '/metrics'],
        ['GET', '/status'],
        ['POST', '/run'],
        ['GET', '/nope'],
        ['POST', '/%72un'],
      ] as const) {
        const res = await handle.app.inject({ method, url, headers });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="ja4-detector"');
      }
    }
    // What a page on another site can send: a no-cors POST, text/plain, no Authorization header.
    const crossSite = await handle.app.inject({
      method: 'POST',
      url: '/run',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'text/plain;charset=UTF-8',
        'sec-fetch-mode': 'no-cors',
        'sec-fetch-site': 'cross-site',
      },
      payload: 'x',
    });
    expect(crossSite.statusCode).toBe(401);
    expect(handle.scheduler.status()).toMatchObject({ running: null, cycles_run: 0, queued: false });
  });

  it('unknown routes get a 404 that lists the real ones', async () => {
    handle = await startDetector({
      config,
      client: fakeClient(rows, ALL_TABLES).client,
      log,
      listen: false,
      schedule: false,
    });
    const r = await handle.app.inject({ method: 'GET', url: '/nope', headers: AUTH });
    expect(r.statusCode).toBe(404);
    expect(r.json().message).toContain('POST /run');
  });
});
