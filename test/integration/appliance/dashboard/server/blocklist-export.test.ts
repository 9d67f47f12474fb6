import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipsetAddresses, nginxAddresses, plainAddresses } from '../../../../helpers/blocklist-grammar.js';
import { ADMIN, type DashboardFixture, dashboardFixture, type Login } from './fixture.js';

/**
 * Rows with odd addresses in the real anomalies table (as older data, or a path other than the
 * validated ingest, could leave them): every blocklist format and every export writes only the
 * canonical ones, in the grammar of the tool that reads it.
 */

const ODD = [
  '0x7f.1',
  '127.1',
  '0177.0.0.1',
  'fe80::1%eth0',
  '01.02.03.04',
  '1.2.3.4/24',
  '1.2.3.4; rm -rf /',
  '2001:DB8::A',
  '2001:db8:0:0:0:0:0:2',
  '::ffff:10.1.2.3',
  '45.155.205.10',
];
const CANONICAL = ['10.1.2.3', '2001:db8::2', '2001:db8::a', '45.155.205.10'];

let fx: DashboardFixture;
let app: FastifyInstance;
let admin: Login;

beforeAll(async () => {
  fx = await dashboardFixture('ja4-dash-blocklist-');
  const now = new Date();
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 3_600_000);
  const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
  await fx.ch.client.insert({
    table: 'ja4_processing.ml_detected_anomalies',
    format: 'JSONEachRow',
    values: ODD.map((src_ip, i) => ({
      detected_at: ts(now),
      hour: ts(hour).slice(0, 19),
      host: 'www.example.org',
      src_ip,
      ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
      score: 0.9 - i / 100,
      threshold: 0.45,
      cycle_id: 'odd-cycle',
      model_version: 'test',
      requests: 10,
      reason: 'odd address test',
    })),
  });
  ({ app } = await fx.build());
  admin = await fx.login(app, ADMIN);
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
  expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
  return res.body;
};

describe('blocklists and exports from rows with odd addresses', () => {
  it('the rows are there: the anomalies page lists all of them as stored', async () => {
    const page = JSON.parse(await get('/api/anomalies?range=24h&page_size=50'));
    expect(page.total).toBe(ODD.length);
  });

  it('nginx deny lines', async () => {
    expect(nginxAddresses(await get('/api/blocklist?range=24h&format=nginx')).sort()).toEqual(CANONICAL);
  });

  it('ipset add lines', async () => {
    expect(ipsetAddresses(await get('/api/blocklist?range=24h&format=ipset')).sort()).toEqual(CANONICAL);
  });

  it('plain and JSON lists', async () => {
    expect(plainAddresses(await get('/api/blocklist?range=24h&format=plain')).sort()).toEqual(CANONICAL);
    expect(JSON.parse(await get('/api/blocklist?range=24h&format=json')).ips.sort()).toEqual(CANONICAL);
  });

  it('CSV and JSON exports', async () => {
    const json = JSON.parse(await get('/api/anomalies/export?range=24h&format=json')) as { src_ip: string }[];
    expect(json.map((r) => r.src_ip).sort()).toEqual(CANONICAL);
    const csv = (await get('/api/anomalies/export?range=24h&format=csv')).trim().split('\r\n').slice(1);
    expect(csv.map((l) => JSON.parse(l.split(',')[0])).sort()).toEqual(CANONICAL);
  });

  it('the IP page takes only canonical addresses too', async () => {
    for (const ip of ['0x7f.1', '127.1', 'fe80::1%25eth0']) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/ips/${ip}`,
        headers: { cookie: admin.cookie },
      });
      expect(res.statusCode, ip).toBe(400);
    }
  });
});
