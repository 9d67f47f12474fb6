import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClickHouseClient, defaultConfig } from '../../../../appliance/common/index.js';
import type { FeatureRow } from '../../../../appliance/detector/features.js';
import { type DetectorHandle, startDetector } from '../../../../appliance/detector/service.js';
import { syntheticRows } from '../../../../scripts/lib/detector-synthetic.js';

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
      else if (query.includes('view_ai_features_1h')) {
        await gate;
        result = rows;
      }
      return { json: async () => result };
    },
    async insert({ table, values }: { table: string; values: unknown[] }) {
      inserted[table] = (inserted[table] ?? 0) + values.length;
    },
    async command() {
      return {};
    },
  };
  return { client: client as unknown as ClickHouseClient, inserted };
}

const ALL_TABLES = ['view_ai_features_1h', 'ml_all_scores', 'ml_detected_anomalies', 'view_ip_recurrence'];
const log = pino({ level: 'silent' });
const config = (() => {
  const c = defaultConfig();
  c.detector.model_dir = '';
  return c;
})();
const rows = syntheticRows(1200, 5).map((s) => s.row);

let handle: DetectorHandle | undefined;
afterEach(async () => {
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
    const metrics = await handle.app.inject({ method: 'GET', url: '/metrics' });
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
    const r = await handle.app.inject({ method: 'GET', url: '/ready' });
    expect(r.statusCode).toBe(503);
    expect(r.json().reason).toContain('view_ai_features_1h');
  });

  it('POST /run starts a cycle, a second POST while it runs says so, /status reports the result', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const fake = fakeClient(rows, ALL_TABLES, gate);
    handle = await startDetector({ config, client: fake.client, log, listen: false, schedule: false });
    const first = await handle.app.inject({ method: 'POST', url: '/run' });
    expect(first.statusCode).toBe(202);
    const { cycle_id } = first.json();
    const second = await handle.app.inject({ method: 'POST', url: '/run' });
    expect(second.statusCode).toBe(409);
    expect(second.json().message).toContain(`already running (cycle ${cycle_id}`);
    const during = (await handle.app.inject({ method: 'GET', url: '/status' })).json();
    expect(during.running.cycle_id).toBe(cycle_id);

    release();
    await expect
      .poll(async () => (await handle!.app.inject({ method: 'GET', url: '/status' })).json().running)
      .toBeNull();
    const status = (await handle.app.inject({ method: 'GET', url: '/status' })).json();
    expect(status.last_cycle).toMatchObject({
      cycle_id,
      status: 'ok',
      rows: rows.length,
      scored: rows.length,
    });
    expect(status.last_cycle.baseline_rows).toBeGreaterThanOrEqual(500);
    expect(status.last_cycle.anomalies).toBeGreaterThan(0);
    expect(status.last_cycle.durations_ms).toHaveProperty('total');
    expect(fake.inserted['ja4_processing.ml_all_scores']).toBe(rows.length);
    expect(fake.inserted['ja4_processing.ml_detected_anomalies']).toBe(status.last_cycle.anomalies);
    const metrics = (await handle.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ja4_detector_cycles_total\{status="ok",service="detector"\} 1/);
  });

  it('unknown routes get a 404 that lists the real ones', async () => {
    handle = await startDetector({
      config,
      client: fakeClient(rows, ALL_TABLES).client,
      log,
      listen: false,
      schedule: false,
    });
    const r = await handle.app.inject({ method: 'GET', url: '/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json().message).toContain('POST /run');
  });
});
