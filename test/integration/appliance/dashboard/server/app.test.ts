import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../../appliance/dashboard/index.js';
import { search } from '../../../../../appliance/dashboard/server/queries/search.js';
import { parseSearch } from '../../../../../appliance/dashboard/server/search-kind.js';
import { parseRange } from '../../../../../appliance/dashboard/server/time-range.js';
import {
  type SeededAppliance,
  seededAppliance,
  XSS_IP,
  XSS_UA,
} from '../../../../helpers/seeded-appliance.js';

let env: SeededAppliance;
let app: FastifyInstance;
let cookie = '';
let csrf = '';

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { cookie } });
  return {
    status: res.statusCode,
    body: String(res.headers['content-type']).includes('json') ? res.json() : res.body,
  };
}

async function labelledIps(scenarios: string[]): Promise<Set<string>> {
  const rs = await env.ch.client.query({
    query: 'SELECT DISTINCT client_ip FROM ja4_processing.seed_labels WHERE scenario IN {s:Array(String)}',
    query_params: { s: scenarios },
    format: 'JSONEachRow',
  });
  return new Set((await rs.json<{ client_ip: string }>()).map((r) => r.client_ip));
}

/** The reference for a CIDR search: the rollup grouped by address and by JA4 in plain queries. */
async function plainRollupSearch(cidr: string, r: { from: number; to: number }, limit: number) {
  const q = async <T>(query: string) => {
    const rs = await env.ch.client.query({
      query,
      query_params: { ...r, cidr, limit },
      format: 'JSONEachRow',
    });
    return rs.json<T>();
  };
  const where = `hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
                 AND isIPAddressInRange(src_ip, {cidr:String})`;
  const [{ total }] = await q<{ total: number }>(
    `SELECT toUInt32(uniqExact(src_ip)) AS total FROM ja4_processing.agg_host_ip_ja4_1h WHERE ${where}`,
  );
  const rows = await q<{ ip: string; hits: number }>(
    `SELECT src_ip AS ip, toUInt32(sum(hits)) AS hits FROM ja4_processing.agg_host_ip_ja4_1h WHERE ${where}
     GROUP BY src_ip ORDER BY hits DESC, ip LIMIT {limit:UInt32}`,
  );
  const ja4s = await q<{ ja4: string; hits: number }>(
    `SELECT ja4, toUInt32(sum(hits)) AS hits FROM ja4_processing.agg_host_ip_ja4_1h WHERE ${where}
     GROUP BY ja4 ORDER BY hits DESC, ja4 LIMIT 10`,
  );
  return { total, rows, ja4s };
}

beforeAll(async () => {
  env = await seededAppliance('ja4-dash-api-');
  ({ app } = await buildApp({
    config: env.config,
    clickhouse: env.ch.client,
    log: pino({ level: process.env.DASH_LOG ?? 'silent' }),
  }));
  const res = await app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username: 'admin', password: 'analyst-test-pass' },
  });
  expect(res.statusCode).toBe(200);
  cookie = String(res.headers['set-cookie']).split(';')[0];
  csrf = res.json().csrf;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await env?.close();
});

describe('dashboard API on a seeded embedded engine', () => {
  it('ran a real detector cycle over the seed', () => {
    expect(env.cycle.status).toBe('ok');
    expect(env.cycle.anomalies).toBeGreaterThan(0);
  });

  it('refuses every data route without a session, and a wrong password', async () => {
    for (const url of [
      '/api/overview',
      '/api/anomalies',
      '/api/ips/1.2.3.4',
      '/api/status',
      '/api/session',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('JA4_ERR_DASH_UNAUTHENTICATED');
    }
    const bad = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: 'nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
  });

  it('sets an HttpOnly SameSite=Strict session cookie and security headers', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: 'analyst-test-pass' },
    });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    const page = await app.inject({ method: 'GET', url: '/api/health' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('draws the overview from the seed: series add up to the KPI and every class is present', async () => {
    const { status, body } = await get('/api/overview?range=24h');
    expect(status).toBe(200);
    const total = ['human', 'known_bot', 'anomalous'].reduce(
      (n, k) => n + body.series[k].reduce((a: number, b: number) => a + b, 0),
      0,
    );
    expect(total).toBe(body.kpis.requests);
    expect(body.kpis.requests).toBeGreaterThanOrEqual(env.seed.totalRows * 0.95);
    expect(body.kpis.known_bot_requests).toBeGreaterThan(0);
    expect(body.kpis.anomalous_ips).toBeGreaterThan(0);
    expect(body.top_ja4.length).toBeGreaterThan(0);
    expect(body.top_asns.map((a: { asn: number }) => a.asn)).toContain(16276);
    const short = await get('/api/overview?range=1h');
    expect(short.body.range.step).toBe(300);
    expect(short.body.series.t[1] - short.body.series.t[0]).toBe(300);
  });

  it('lists the seeded scanners and brute-forcers among the top anomalies, sorted by score', async () => {
    const bad = await labelledIps(['scanner', 'bruteforce']);
    const { body } = await get('/api/anomalies?range=24h&page_size=100');
    expect(body.total).toBeGreaterThan(0);
    const scores = body.rows.map((r: { score: number }) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const top = body.rows.slice(0, 50).map((r: { src_ip: string }) => r.src_ip);
    const hits = top.filter((ip: string) => bad.has(ip)).length;
    expect(hits / top.length).toBeGreaterThan(0.7);
    expect(body.rows[0].reasons.length).toBeGreaterThan(0);
  });

  it('pages, sorts and filters the anomalies, and binds hostile filter text as a value', async () => {
    const p1 = await get('/api/anomalies?range=24h&page_size=5&sort=src_ip&order=asc');
    const p2 = await get('/api/anomalies?range=24h&page_size=5&page=2&sort=src_ip&order=asc');
    expect(p1.body.rows).toHaveLength(5);
    expect(p1.body.rows[4].src_ip < p2.body.rows[0].src_ip).toBe(true);
    const inj = await get(`/api/anomalies?range=24h&q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(inj.status).toBe(200);
    expect(inj.body.total).toBe(0);
    const badSort = await get(`/api/anomalies?sort=${encodeURIComponent('score; DROP TABLE x')}`);
    expect(badSort.status).toBe(400);
    const unknown = await get('/api/anomalies?evil=1');
    expect(unknown.status).toBe(400);
  });

  it('exports CSV and JSON and renders blocklists', async () => {
    const csv = await get('/api/anomalies/export?range=24h&format=csv');
    expect(csv.status).toBe(200);
    expect(String(csv.body).split('\r\n')[0]).toMatch(/^src_ip,score,reasons/);
    const json = await get('/api/anomalies/export?range=24h&format=json');
    expect(Array.isArray(json.body)).toBe(true);
    const nginx = await get('/api/blocklist?range=24h&format=nginx');
    const lines = String(nginx.body).trim().split('\n').slice(1);
    expect(lines.length).toBe(json.body.length);
    for (const l of lines) expect(l).toMatch(/^deny [0-9a-f.:]+;$/);
  });

  it('drills into an IP and a fingerprint', async () => {
    const bruteforcers = [...(await labelledIps(['bruteforce']))];
    const ip = await get(`/api/ips/${bruteforcers[0]}?range=24h`);
    expect(ip.status).toBe(200);
    expect(Number(ip.body.summary.requests)).toBeGreaterThanOrEqual(20);
    expect(ip.body.paths.some((p: { path: string }) => p.path.includes('login'))).toBe(true);
    expect(ip.body.scores.length).toBeGreaterThan(0);
    const ja4 = ip.body.fingerprints[0].ja4;
    const fp = await get(`/api/fingerprints/${ja4}?range=7d`);
    expect(fp.status).toBe(200);
    expect(fp.body.decoded.valid).toBe(true);
    // The addresses come a page at a time, with their total.
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const ips = await get(`/api/fingerprints/${ja4}/ips?range=7d&page_size=200&page=${page}`);
      seen.push(...ips.body.rows.map((r: { ip: string }) => r.ip));
      if (seen.length >= ips.body.total || ips.body.rows.length === 0) break;
    }
    expect(seen).toContain(bruteforcers[0]);
    expect((await get('/api/ips/not-an-ip')).status).toBe(400);
    expect((await get('/api/fingerprints/abc')).status).toBe(400);
  });

  it('returns hostile strings as data, untouched', async () => {
    const ip = await get(`/api/ips/${XSS_IP}?range=24h`);
    expect(ip.body.user_agents.map((u: { user_agent: string }) => u.user_agent)).toContain(XSS_UA);
  });

  it('searches by CIDR, JA4 and host', async () => {
    const cidr = await get(`/api/search?q=${encodeURIComponent('91.121.0.0/16')}`);
    expect(cidr.body.terms.map((t: { field: string }) => t.field)).toEqual(['cidr']);
    expect(cidr.body.rows.length).toBeGreaterThan(0);
    for (const r of cidr.body.rows) expect(r.ip.startsWith('91.121.')).toBe(true);
    // Bare words are read as the field they look like, and each finds something in the seed.
    const asn = cidr.body.rows[0].asn;
    for (const [q, field] of [
      ['curl', 'ua'],
      ['/wp-login.php', 'path'],
      [`AS${asn}`, 'asn'],
      ['status:4xx ua:python', 'status'],
    ]) {
      const r = await get(`/api/search?range=24h&q=${encodeURIComponent(q)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.terms[0].field).toBe(field);
      expect(r.body.total).toBeGreaterThan(0);
    }
  });

  it('draws the score histogram with the threshold and lists the top reasons', async () => {
    const { status, body } = await get('/api/overview/detections?range=24h');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.histogram).toHaveLength(40);
    expect(body.threshold).toBeGreaterThan(0);
    const flagged = body.histogram.reduce((n: number, b: { flagged: number }) => n + b.flagged, 0);
    expect(flagged).toBeGreaterThan(0);
    expect(body.scored_rows).toBeGreaterThan(flagged);
    // Every flagged row is at or above the threshold.
    for (const b of body.histogram) if (b.hi <= body.threshold) expect(b.flagged).toBe(0);
    expect(body.top_reasons.length).toBeGreaterThan(0);
  });

  it('lists per-JA4 signals from the aggregate, matching a plain count', async () => {
    const { status, body } = await get('/api/signals?range=24h&sort=requests&page_size=5');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.total).toBeGreaterThan(5);
    const top = body.rows[0];
    const rs = await env.ch.client.query({
      query: `SELECT count() AS n FROM ja4_processing.http_logs WHERE ja4 = {j:String}
              AND ts >= toStartOfHour(toDateTime64({from:UInt32}, 6)) AND ts < toDateTime64({to:UInt32}, 6)`,
      query_params: { j: top.ja4, from: body.range.from, to: body.range.to },
      format: 'JSONEachRow',
    });
    expect(top.requests).toBe(Number((await rs.json<{ n: string }>())[0].n));
    expect(top.ips).toBeGreaterThan(0);
    expect(top.flagged_share).toBeGreaterThanOrEqual(0);
    expect(top.flagged_share).toBeLessThanOrEqual(1);
    const fresh = await get('/api/signals?range=24h&new_only=true');
    expect(fresh.body.rows.every((r: { new: boolean }) => r.new)).toBe(true);
  });

  it('ranks a broad search with the same busiest addresses and counts as a plain grouping of the rollup', async () => {
    const { terms } = parseSearch('cidr:90.0.0.0/9');
    const range = parseRange({ range: '24h' });
    const page = { offset: 0, limit: 10 };
    const exact = await search(env.ch.client, terms, range, page);
    const plain = await plainRollupSearch('90.0.0.0/9', range, page.limit);
    expect(exact.total).toBeGreaterThan(10);
    expect(plain.total).toBe(exact.total);
    // The same counts in the same order (addresses tied at the last place may differ).
    expect(plain.rows.map((r) => r.hits)).toEqual(exact.rows.map((r) => r.hits));
    const tenth = exact.rows[exact.rows.length - 1].hits;
    const above = (rows: { ip: string; hits: number }[]) =>
      rows.filter((r) => r.hits > tenth).map((r) => r.ip);
    expect(above(plain.rows)).toEqual(above(exact.rows));
    expect(plain.ja4s.map((j) => [j.ja4, j.hits])).toEqual(exact.ja4s.map((j) => [j.ja4, j.hits]));
  });

  it('refuses a state change without the CSRF token, and logs out with it', async () => {
    const noToken = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('JA4_ERR_DASH_CSRF');
    const status = await get('/api/status');
    expect(status.body.services.find((s: { name: string }) => s.name === 'clickhouse')).toMatchObject({
      state: 'ok',
    });
    const out = await app.inject({
      method: 'POST',
      url: '/api/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(200);
    expect((await get('/api/overview')).status).toBe(401);
  });

  it('refuses ranges that are too long with a clear error', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.json().version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
