import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../../appliance/dashboard/index.js';
import { type SeededAppliance, seededAppliance } from '../../../../helpers/seeded-appliance.js';

// The analyst's decisions through the API, on a seeded engine with one real detector cycle:
// lists (with expiry and removal), labels, alert states, the alerts queue, the audit trail, and
// every export and blocklist honouring the lists.

let env: SeededAppliance;
let app: FastifyInstance;
let cookie = '';
let csrf = '';

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, withCsrf = true) {
  const headers: Record<string, string> = { cookie };
  if (withCsrf) headers['x-csrf-token'] = csrf;
  const res = await app.inject({ method, url, headers, payload });
  const json = String(res.headers['content-type']).includes('json');
  return { status: res.statusCode, body: json ? res.json() : res.body };
}
const plain = async (q = '') =>
  String((await call('GET', `/api/blocklist?range=24h&format=plain${q}`)).body)
    .trim()
    .split('\n');
const top = async (n = 3): Promise<string[]> =>
  (await call('GET', `/api/anomalies?range=24h&page_size=${n}`)).body.rows.map(
    (r: { src_ip: string }) => r.src_ip,
  );

beforeAll(async () => {
  env = await seededAppliance('ja4-dash-triage-api-');
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
  cookie = String(res.headers['set-cookie']).split(';')[0];
  csrf = res.json().csrf;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await env?.close();
});

describe('triage through the API', () => {
  it('needs the CSRF token for every change and refuses a malformed subject, naming it', async () => {
    const entry = { list: 'allow', subject_kind: 'ip', subject: '10.0.0.1', note: 'x' };
    expect((await call('POST', '/api/lists', entry, false)).status).toBe(403);
    const bad = await call('POST', '/api/lists', { ...entry, subject: '127.1' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body/subject "127.1" is not a valid ip');
    expect(
      (await call('POST', '/api/lists', { ...entry, subject_kind: 'cidr', subject: '10.1.2.3/8' })).status,
    ).toBe(400);
  });

  it('leaves allow-listed addresses, networks and ASes out of the table, the exports and the blocklists', async () => {
    const [a, b] = await top(2);
    expect(await plain()).toContain(a);
    const added = await call('POST', '/api/lists', {
      list: 'allow',
      subject_kind: 'ip',
      subject: a,
      note: 'monitor',
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ list: 'allow', subject: a, active: true, expires_at: null });
    expect(await plain()).not.toContain(a);
    expect(await top(200)).not.toContain(a);
    const csv = String((await call('GET', '/api/anomalies/export?range=24h&format=csv')).body);
    expect(csv).not.toContain(`"${a}"`);
    const net = `${b.split('.').slice(0, 3).join('.')}.0/24`;
    await call('POST', '/api/lists', { list: 'allow', subject_kind: 'cidr', subject: net, note: 'lab' });
    expect(await plain()).not.toContain(b);
    // Removing the entries brings them back.
    const { entries } = (await call('GET', '/api/lists')).body;
    for (const e of entries) expect((await call('DELETE', `/api/lists/${e.id}`)).status).toBe(200);
    expect(await plain()).toEqual(expect.arrayContaining([a, b]));
  });

  it('counts an expired allow-list entry no more', async () => {
    const [a] = await top(1);
    const past = Math.floor(Date.now() / 1000) - 60;
    const e = await call('POST', '/api/lists', {
      list: 'allow',
      subject_kind: 'ip',
      subject: a,
      note: 'old',
      expires_at: past,
    });
    expect(e.body.active).toBe(false);
    expect(await plain()).toContain(a);
    await call('DELETE', `/api/lists/${e.body.id}`);
  });

  it('always puts deny-listed addresses and networks in the blocklists', async () => {
    await call('POST', '/api/lists', {
      list: 'deny',
      subject_kind: 'ip',
      subject: '203.0.113.9',
      note: 'known bad',
    });
    await call('POST', '/api/lists', {
      list: 'deny',
      subject_kind: 'cidr',
      subject: '198.51.100.0/24',
      note: 'bad net',
    });
    const list = await plain('&q=no-such-thing-at-all');
    expect(list).toEqual(['203.0.113.9', '198.51.100.0/24']);
    const nginx = String(
      (await call('GET', '/api/blocklist?range=24h&format=nginx&q=no-such-thing-at-all')).body,
    );
    expect(nginx).toContain('deny 198.51.100.0/24;');
    const { entries } = (await call('GET', '/api/lists')).body;
    for (const e of entries) await call('DELETE', `/api/lists/${e.id}`);
  });

  it('labels and moves alerts along, keeps closed alerts out of the open queue, and audits each step', async () => {
    const [a] = await top(1);
    const open = await call('GET', '/api/alerts?range=24h&page_size=200');
    expect(open.body.rows.map((r: { src_ip: string }) => r.src_ip)).toContain(a);
    const ack = await call('POST', '/api/alerts/state', {
      range: '24h',
      src_ip: a,
      state: 'acknowledged',
      note: 'looking',
    });
    expect(ack.status).toBe(200);
    expect(ack.body.rows).toBeGreaterThan(0);
    const row = (await call('GET', `/api/anomalies?range=24h&q=${a}&bots=include`)).body.rows[0];
    expect(row.state).toBe('acknowledged');
    const fp = await call('POST', '/api/labels', {
      range: '24h',
      src_ip: a,
      label: 'false_positive',
      note: 'our monitor',
    });
    expect(fp.status).toBe(200);
    const after = (await call('GET', `/api/anomalies?range=24h&q=${a}&bots=include`)).body.rows[0];
    expect(after).toMatchObject({ state: 'false_positive', label: 'false_positive' });
    // On a whole page, the touched address has its decision and the others none.
    const page: { src_ip: string; state: string; label: string }[] = (
      await call('GET', '/api/anomalies?range=24h&page_size=200&bots=include')
    ).body.rows;
    expect(page.length).toBeGreaterThan(1);
    expect(page.find((r) => r.src_ip === a)).toMatchObject({
      state: 'false_positive',
      label: 'false_positive',
    });
    expect(page.filter((r) => r.src_ip !== a).map((r) => [r.state, r.label])).toEqual(
      page.filter((r) => r.src_ip !== a).map(() => ['new', '']),
    );
    const still = await call('GET', '/api/alerts?range=24h&page_size=200');
    expect(still.body.rows.map((r: { src_ip: string }) => r.src_ip)).not.toContain(a);
    const closed = await call('GET', '/api/alerts?range=24h&view=closed');
    expect(closed.body.rows[0]).toMatchObject({
      src_ip: a,
      state: 'false_positive',
      changed_by: 'admin',
      still_flagged: true,
    });
    const audit = (await call('GET', `/api/audit?subject=${a}`)).body.rows;
    // Newest first; earlier tests may have listed and unlisted the same address before.
    expect(audit.slice(0, 2).map((x: { action: string }) => x.action)).toEqual([
      'label_false_positive',
      'alert_acknowledged',
    ]);
    expect(audit[0]).toMatchObject({ username: 'admin', subject_kind: 'ip', subject: a });
    expect(audit[0].detail).toContain('our monitor');
  });
});
