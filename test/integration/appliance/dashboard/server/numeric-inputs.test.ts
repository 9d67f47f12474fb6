import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteRule } from '../../../../../appliance/dashboard/index.js';
import { ADMIN, type DashboardFixture, dashboardFixture, type Login } from './fixture.js';

/**
 * Every numeric query parameter of every route is a plain decimal within its schema's bounds:
 * anything else is a 400 naming the parameter, never a 500 from deeper down (a Date out of
 * range, a ClickHouse type error) and never a silently odd number.
 */

const HOSTILE = [
  '1e309',
  'Infinity',
  '-Infinity',
  'NaN',
  '99999999999999999999',
  '1e3',
  '0x10',
  '-0',
  '-1',
  '',
  ' 1',
  '1_0',
];
const REQUIRED: Record<string, string> = { '/api/search': 'q=1.2.3.4' };
const SAMPLE: Record<string, string> = { ip: '1.2.3.4', ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1' };

let fx: DashboardFixture;
let app: FastifyInstance;
let routes: RouteRule[];
let admin: Login;

beforeAll(async () => {
  fx = await dashboardFixture('ja4-dash-num-');
  ({ app, routes } = await fx.build());
  admin = await fx.login(app, ADMIN);
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

function urlFor(rule: RouteRule, query: string): string {
  const path = rule.url.replace(/:([a-z0-9_]+)/g, (_m, name: string) => SAMPLE[name] ?? 'x');
  return `${path}?${[REQUIRED[path], query].filter(Boolean).join('&')}`;
}

describe('numeric query parameters', () => {
  it('exist on the routes that read time ranges, pages and scores', () => {
    const names = new Set(routes.flatMap((r) => r.numericQuery));
    expect([...names].sort()).toEqual(['from', 'min_score', 'page', 'page_size', 'to']);
  });

  it('refuse every hostile spelling on every route with a 400 naming the parameter', async () => {
    const bad: string[] = [];
    let checked = 0;
    for (const rule of routes.filter((r) => r.method === 'GET' && r.numericQuery.length > 0)) {
      for (const param of rule.numericQuery) {
        for (const value of HOSTILE) {
          const url = urlFor(rule, `${param}=${encodeURIComponent(value)}`);
          const res = await app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
          checked++;
          const body = res.body;
          if (res.statusCode !== 400 || !body.includes(`querystring/${param}`)) {
            bad.push(`${url} → ${res.statusCode} ${body.slice(0, 100)}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 120_000);

  it('refuse out-of-range values: to before one day after the epoch, past 2100, pages and scores', async () => {
    const cases: [string, string, string][] = [
      ['/api/overview', 'to=86399', 'to'],
      ['/api/overview', 'to=4102444801', 'to'],
      ['/api/overview', 'from=4102444801', 'from'],
      ['/api/anomalies', 'page=0', 'page'],
      ['/api/anomalies', 'page=100001', 'page'],
      ['/api/anomalies', 'page_size=201', 'page_size'],
      ['/api/anomalies', 'min_score=1.5', 'min_score'],
      ['/api/blocklist', 'min_score=2', 'min_score'],
    ];
    for (const [path, query, param] of cases) {
      const res = await app.inject({
        method: 'GET',
        url: `${path}?${query}`,
        headers: { cookie: admin.cookie },
      });
      expect(res.statusCode, `${path}?${query}`).toBe(400);
      expect(res.json().error.message).toContain(`querystring/${param}`);
    }
  });

  it('accept plain decimals inside the bounds', async () => {
    const to = Math.floor(Date.now() / 1000);
    for (const url of [
      `/api/overview?from=${to - 3600}&to=${to}`,
      '/api/overview?to=86400',
      '/api/anomalies?page=2&page_size=10&min_score=0.5',
      '/api/blocklist?min_score=0&format=plain',
      '/api/anomalies/export?min_score=1&format=json',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
    }
  });
});
