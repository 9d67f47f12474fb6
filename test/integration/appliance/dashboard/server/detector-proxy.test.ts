import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectorHandle, startDetector } from '../../../../../appliance/detector/service.js';
import { ADMIN, ANALYST, type DashboardFixture, dashboardFixture, type Login } from './fixture.js';

/**
 * The dashboard proxies what the web app needs of the detector (status; run, for admins) behind
 * its own session, CSRF and role rules, reaching a real detector API over HTTP with the token
 * the detector generated into its state directory, as `ja4 dashboard` beside `ja4 detector` does.
 */

let fx: DashboardFixture;
let detector: DetectorHandle;
let app: FastifyInstance;
let admin: Login;
let analyst: Login;

beforeAll(async () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'ja4-proxy-')), 'detector');
  fx = await dashboardFixture('ja4-dash-proxy-', (c) => {
    c.detector.state_dir = stateDir;
    c.detector.port = 0;
    c.detector.model_dir = '';
  });
  detector = await startDetector({
    config: fx.config,
    client: fx.ch.client,
    log: pino({ level: 'silent' }),
    schedule: false,
  });
  const port = Number(new URL(detector.address as string).port);
  ({ app } = await fx.build(
    (c) => {
      c.detector.port = port;
    },
    { httpDetector: true },
  ));
  admin = await fx.login(app, ADMIN);
  analyst = await fx.login(app, ANALYST);
}, 120_000);

afterAll(async () => {
  await detector?.close();
  await fx?.close();
});

describe('the detector behind the dashboard', () => {
  it('shows the detector status to any analyst', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/detector/status',
      headers: { cookie: analyst.cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ running: null, cycles_run: 0, queued: false });
    expect(res.body).not.toContain(detector.apiToken);
  });

  it('refuses run without a session, without CSRF, and to analysts; nothing starts', async () => {
    const cases = [
      { headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, status: 401 },
      { headers: { cookie: admin.cookie }, status: 403 },
      { headers: { cookie: analyst.cookie, 'x-csrf-token': analyst.csrf }, status: 403 },
    ];
    for (const c of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/detector/run',
        headers: c.headers,
        payload: 'x',
      });
      expect(res.statusCode).toBe(c.status);
    }
    expect(detector.scheduler.status().cycles_run).toBe(0);
  });

  it('starts a cycle for an admin with the CSRF token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/detector/run',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().state).toBe('started');
    await expect.poll(() => detector.scheduler.status().cycles_run, { timeout: 60_000 }).toBe(1);
  });

  it('says the detector is unreachable (502), not a crash, when it is down', async () => {
    const { app: orphan } = await fx.build(
      (c) => {
        c.detector.port = 1;
      },
      { httpDetector: true },
    );
    const s = await fx.login(orphan, ANALYST);
    const res = await orphan.inject({
      method: 'GET',
      url: '/api/detector/status',
      headers: { cookie: s.cookie },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('JA4_ERR_DASH_DETECTOR');
  });
});
