/**
 * GET /api/status over a real embedded engine: every service a structured row (state, a
 * sentence, labelled figures, last seen), an empty database says "no data yet" (never a 1970
 * date), a probe that fails is down with its reason, and an old-style `{ ok, detail }` probe
 * still reads.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type StatusResponse } from '../../../../../appliance/dashboard/index.js';
import { ANALYST, type DashboardFixture, dashboardFixture } from './fixture.js';

let fx: DashboardFixture;
let body: StatusResponse;

beforeAll(async () => {
  fx = await dashboardFixture('ja4-dash-status-');
  const { app } = await buildApp({
    config: fx.config,
    clickhouse: fx.ch.client,
    log: pino({ level: 'silent' }),
    webRoot: '/nonexistent',
    detector: {
      request: async () => ({
        status: 200,
        body: {
          running: null,
          last_cycle: null,
          last_error: null,
          next_cycle_at: null,
          interval_minutes: 15,
          cycles_run: 0,
        },
      }),
    },
    probes: {
      broken: async () => {
        throw new Error('socket closed');
      },
      legacy: async () => ({ ok: true, detail: '3 rows written' }),
    },
  });
  const { cookie } = await fx.login(app, ANALYST);
  const res = await app.inject({ method: 'GET', url: '/api/status', headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  body = res.json();
  await app.close();
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

const service = (name: string) => body.services.find((s) => s.name === name);

describe('the status API', () => {
  it('lists the host probes first, then ClickHouse, the detector and the dashboard, each a structured row', () => {
    expect(body.services.map((s) => s.name)).toEqual([
      'broken',
      'legacy',
      'clickhouse',
      'detector',
      'dashboard',
    ]);
    for (const s of body.services) {
      expect(['ok', 'idle', 'warn', 'down']).toContain(s.state);
      expect(typeof s.summary).toBe('string');
      expect(Array.isArray(s.values)).toBe(true);
      expect(s.last_seen === null || !Number.isNaN(Date.parse(s.last_seen))).toBe(true);
    }
  });

  it('says "no data yet" for an empty database, never 1970', () => {
    const ch = service('clickhouse');
    expect(ch).toMatchObject({ state: 'idle', summary: 'answering; no requests stored yet' });
    expect(ch?.values).toContainEqual({ label: 'last insert', value: 'no data yet' });
    expect(JSON.stringify(body)).not.toContain('1970');
  });

  it('reports the detector in words and a failing probe as down with its reason', () => {
    expect(service('detector')).toMatchObject({
      state: 'idle',
      summary: 'waiting for its first cycle (not scheduled)',
    });
    expect(service('broken')).toMatchObject({ state: 'down', summary: 'socket closed' });
    expect(service('legacy')).toMatchObject({ state: 'ok', summary: '3 rows written', values: [] });
    expect(service('dashboard')?.values).toContainEqual({ label: 'web app', value: 'no build stamp' });
  });
});
