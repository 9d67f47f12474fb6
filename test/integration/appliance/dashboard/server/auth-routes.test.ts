import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteRule } from '../../../../../appliance/dashboard/index.js';
import { ADMIN, ANALYST, type DashboardFixture, dashboardFixture } from './fixture.js';

/**
 * The session guard decides from the route the router matched, so no spelling of a path can
 * reach a route without meeting its rule. Every registered route that is not public is asked
 * without a session under many spellings of its path; each must answer 401, 403 or 404, run
 * nothing (the admin actions and the detector link are spies) and never serve the app's HTML.
 */

const SAMPLE: Record<string, string> = {
  ip: '1.2.3.4',
  ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
  action: 'seed',
};
const QUERY: Record<string, string> = { '/api/search': '?q=1.2.3.4', '/api/anomalies/export': '?format=csv' };

let fx: DashboardFixture;
let app: FastifyInstance;
let routes: RouteRule[];
let calls: string[];
let adminCookie = '';
let adminCsrf = '';
let analystCookie = '';

beforeAll(async () => {
  fx = await dashboardFixture('ja4-dash-auth-');
  calls = fx.calls;
  ({ app, routes } = await fx.build());
  ({ cookie: adminCookie, csrf: adminCsrf } = await fx.login(app, ADMIN));
  ({ cookie: analystCookie } = await fx.login(app, ANALYST));
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

/** A concrete path for a route pattern. */
function concrete(url: string): string {
  return url.replace(/:([a-z0-9_]+)/g, (_m, name: string) => SAMPLE[name] ?? 'x');
}

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Spellings a router, a proxy or a decoder may map to the same route (or to none). */
function spellings(path: string): string[] {
  const [first, ...rest] = path.slice(1).split('/');
  const tail = rest.length ? `/${rest.join('/')}` : '';
  const last = rest.length ? rest[rest.length - 1] : first;
  const head = rest.length ? `/${[first, ...rest.slice(0, -1)].join('/')}` : '';
  return [
    path,
    `/${hex(first[0])}${first.slice(1)}${tail}`,
    `/${[...first].map(hex).join('')}${tail}`,
    `/${first.slice(0, -1)}${hex(first[first.length - 1])}${tail}`,
    `/%25${hex(first[0]).slice(1)}${first.slice(1)}${tail}`,
    `${head}/${hex(last[0])}${last.slice(1)}`,
    `/${path
      .slice(1)
      .split('/')
      .map((s) => [...s].map(hex).join(''))
      .join('/')}`,
    `/${path}`,
    `/${first}/${tail}`,
    `${path}/`,
    path.toUpperCase(),
    `/${first[0].toUpperCase()}${first.slice(1)}${tail}`,
    `${path};x=1`,
    `/${first};x=1${tail}`,
    `/${first}/x/..${tail}`,
    `/x/..${path}`,
    `/.${path}`,
    `/${first}/.${tail}`,
    `${path}/.`,
    `/%2e${path}`,
    `/%2e%2e${path}`,
    `/${path.slice(1).replace(/\//g, '%2f')}`,
    `/${path.slice(1).replace(/\//g, '%2F')}`,
    `/${first}%2f..%2f${first}${tail}`,
    `${path}%20`,
    `${path}%09`,
  ];
}

function targets(): { method: string; url: string; rule: RouteRule }[] {
  const seen = new Set<string>();
  const out: { method: string; url: string; rule: RouteRule }[] = [];
  for (const rule of routes) {
    if (rule.public) continue;
    const path = concrete(rule.url);
    for (const s of spellings(path)) {
      const key = `${rule.method} ${s}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ method: rule.method, url: `${s}${QUERY[path] ?? ''}`, rule });
    }
  }
  return out;
}

describe('the dashboard guard decides from the matched route', () => {
  it('registers only login, health and the static app as public, and guards /metrics', () => {
    const pub = routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    expect(pub.sort()).toEqual(
      [
        'POST /api/login',
        'GET /api/health',
        'HEAD /api/health',
        'GET /',
        'HEAD /',
        'GET /index.html',
        'HEAD /index.html',
        'GET /assets/*',
        'HEAD /assets/*',
      ].sort(),
    );
    expect(routes.find((r) => r.url === '/metrics')).toMatchObject({ public: false, scrape: true });
    expect(routes.find((r) => r.url === '/api/admin/:action' && r.method === 'POST')?.admin).toBe(true);
  });

  it('matches the README: its API table marks exactly these routes public', () => {
    const readme = readFileSync(
      new URL('../../../../../appliance/dashboard/README.md', import.meta.url),
      'utf8',
    );
    const documented = readme
      .split('\n')
      .filter((l) => /^\| .* \| public\b/.test(l))
      .flatMap((l) => [...l.split(' | ')[0].matchAll(/`(GET|POST) ([^`]+)`/g)].map((m) => `${m[1]} ${m[2]}`));
    const staticFiles = (r: RouteRule) =>
      r.url === '/' || r.url === '/index.html' || r.url.startsWith('/assets/');
    const actual = routes
      .filter((r) => r.public && r.method !== 'HEAD' && !staticFiles(r))
      .map((r) => `${r.method} ${r.url}`);
    expect(documented.filter((d) => !/ \/(index\.html|assets\/…)?$/.test(d)).sort()).toEqual(actual.sort());
    expect(documented).toEqual(expect.arrayContaining(['GET /', 'GET /index.html']));
  });

  it('answers 401/403/404 without a session to every spelling of every guarded route, and runs nothing', async () => {
    const list = targets();
    expect(list.length).toBeGreaterThan(400);
    const bad: string[] = [];
    let guarded = 0;
    for (const t of list) {
      const res = await app.inject({
        method: t.method as 'GET',
        url: t.url,
        headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
        payload: t.method === 'POST' ? 'x' : undefined,
      });
      const html = res.body.toLowerCase().includes('<!doctype html');
      if (res.statusCode === 401) guarded++;
      if (![401, 403, 404].includes(res.statusCode) || html) {
        bad.push(`${t.method} ${t.url} → ${res.statusCode} ${res.body.slice(0, 60)}`);
      }
    }
    expect(bad).toEqual([]);
    expect(calls).toEqual([]);
    // The encoded spellings do reach their routes (the router decodes them) and meet the guard.
    expect(guarded).toBeGreaterThan(3 * routes.filter((r) => !r.public).length);
  }, 120_000);

  it('never answers 500 to the session route however it is spelled', async () => {
    for (const url of ['/%61pi/session', '/ap%69/session', '/%61%70%69/session', '/api/sessio%6e']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('JA4_ERR_DASH_UNAUTHENTICATED');
    }
  });

  it('keeps CSRF and the admin role on every spelling that reaches an admin action', async () => {
    for (const url of ['/api/admin/seed', '/%61pi/admin/seed', '/api/%61dmin/seed', '/api/admin/s%65ed']) {
      const noCsrf = await app.inject({ method: 'POST', url, headers: { cookie: adminCookie } });
      expect(noCsrf.statusCode, url).toBe(403);
      expect(noCsrf.json().error.code).toBe('JA4_ERR_DASH_CSRF');
      const analyst = await app.inject({
        method: 'POST',
        url,
        headers: { cookie: analystCookie, 'x-csrf-token': adminCsrf },
      });
      expect(analyst.statusCode, url).toBe(403);
    }
    expect(calls).toEqual([]);
    const ok = await app.inject({
      method: 'POST',
      url: '/%61pi/admin/seed',
      headers: { cookie: adminCookie, 'x-csrf-token': adminCsrf },
    });
    expect(ok.statusCode).toBe(200);
    expect(calls).toEqual(['seed']);
    calls.length = 0;
  });

  it('answers unmatched and API-like paths with a JSON 404, never the app', async () => {
    for (const url of ['/metrics/', '/api/nope', '/API/anomalies', '/anomalies', '/%61pi/nope', '/x.js']) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: adminCookie } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/application\/json/);
      expect(res.json().error.code).toBe('JA4_ERR_DASH_NOT_FOUND');
    }
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<!doctype html>');
  });

  it('holds over a real socket, with raw paths no client library normalised', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const raw = (method: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(method === 'POST' ? 'x' : undefined);
      });
    const bad: string[] = [];
    for (const t of targets()) {
      const res = await raw(t.method === 'HEAD' ? 'GET' : t.method, t.url);
      if (![401, 403, 404].includes(res.status) || res.body.toLowerCase().includes('<!doctype html')) {
        bad.push(`${t.method} ${t.url} → ${res.status}`);
      }
    }
    expect(bad).toEqual([]);
    expect(calls).toEqual([]);
  }, 120_000);
});
