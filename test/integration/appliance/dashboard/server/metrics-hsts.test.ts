import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ANALYST, type DashboardFixture, dashboardFixture, type Login } from './fixture.js';

const SCRAPE_TOKEN = 'scrape-token-0123456789-abcdefghijklmnop';

let fx: DashboardFixture;
let app: FastifyInstance;
let admin: Login;
let analyst: Login;

beforeAll(async () => {
  fx = await dashboardFixture('ja4-dash-metrics-', (c) => {
    c.dashboard.metrics_token = SCRAPE_TOKEN;
  });
  ({ app } = await fx.build());
  admin = await fx.login(app, ADMIN);
  analyst = await fx.login(app, ANALYST);
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

describe('the dashboard /metrics', () => {
  it('answers 401 JSON without credentials, never the app', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-0123456789-abcdefghijkl' },
      { authorization: SCRAPE_TOKEN },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    }
    const asAnalyst = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { cookie: analyst.cookie },
    });
    expect(asAnalyst.statusCode).toBe(403);
  });

  it('serves the dashboard registry to an admin and to a scraper with the token', async () => {
    await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'ana', password: 'wrong' } });
    await app.inject({ method: 'GET', url: '/api/overview' });
    for (const headers of [{ cookie: admin.cookie }, { authorization: `Bearer ${SCRAPE_TOKEN}` }]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      expect(text).toMatch(
        /ja4_dashboard_login_failures_total\{reason="credentials",service="dashboard"\} [1-9]/,
      );
      expect(text).toMatch(/ja4_dashboard_sessions_created_total\{service="dashboard"\} [2-9]/);
      expect(text).toMatch(
        /ja4_dashboard_auth_refusals_total\{reason="unauthenticated",service="dashboard"\} [1-9]/,
      );
      expect(text).toMatch(
        /ja4_dashboard_http_requests_total\{method="POST",route="\/api\/login",status="200",service="dashboard"\} [2-9]/,
      );
      expect(text).toContain('ja4_process_cpu_user_seconds_total');
    }
  });

  it('counts logins refused by the per-address rate limit', async () => {
    const { app: limited } = await fx.build((c) => {
      c.dashboard.login_rate_limit_per_minute = 2;
    });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await limited.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: 'ana', password: 'x' },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 429, 429]);
    const s = await fx.login(app, ADMIN);
    const text = (await limited.inject({ method: 'GET', url: '/metrics', headers: { cookie: s.cookie } }))
      .body;
    expect(text).toMatch(/ja4_dashboard_login_failures_total\{reason="rate_limited",service="dashboard"\} 2/);
  });

  it('labels requests by route pattern, never by the raw URL', async () => {
    await app.inject({ method: 'GET', url: '/api/ips/9.9.9.9', headers: { cookie: admin.cookie } });
    await app.inject({ method: 'GET', url: '/no/such/path-4711' });
    const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { cookie: admin.cookie } }))
      .body;
    expect(text).toContain('route="/api/ips/:ip"');
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain('9.9.9.9');
    expect(text).not.toContain('path-4711');
  });
});

describe('Strict-Transport-Security', () => {
  it('is absent over plain HTTP without secure_cookies', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('is sent on every answer with secure_cookies (a TLS proxy in front)', async () => {
    const { app: behindProxy } = await fx.build((c) => {
      c.dashboard.secure_cookies = true;
    });
    for (const url of ['/api/health', '/api/overview', '/nope']) {
      const res = await behindProxy.inject({ method: 'GET', url });
      expect(res.headers['strict-transport-security'], url).toBe('max-age=31536000');
    }
    const login = await behindProxy.inject({ method: 'POST', url: '/api/login', payload: ADMIN });
    expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('is sent when the dashboard itself is reached over TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-dash-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    await app.ready();
    const server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (req, res) => app.routing(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const hsts = await new Promise<string | undefined>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/api/health', rejectUnauthorized: false },
          (res) => {
            res.resume();
            resolve(res.headers['strict-transport-security'] as string | undefined);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(hsts).toBe('max-age=31536000');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
