/**
 * Migration 0024: http_logs.host is the Host header normalised (lower case, no trailing dot, no
 * default port for the scheme, IPv6 brackets kept) and http_logs.host_raw the header as received,
 * whichever insert format wrote the raw line; the hourly rollup then counts one site as one host.
 * Down restores the host as received and drops host_raw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { migrateDown, migrateUp, readMigrations } from '../../../../../appliance/common/migrate/index.js';
import { request } from './fixtures.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

/** [Host header, tls, stored host] */
const CASES: [string, boolean, string][] = [
  ['www.example.com', true, 'www.example.com'],
  ['WWW.Example.COM', true, 'www.example.com'],
  ['www.example.com.', true, 'www.example.com'],
  ['www.example.com:443', true, 'www.example.com'],
  ['WWW.EXAMPLE.COM.:443', true, 'www.example.com'],
  ['www.example.com:80', true, 'www.example.com:80'],
  ['www.example.com:80', false, 'www.example.com'],
  ['www.example.com:443', false, 'www.example.com:443'],
  ['www.example.com:8443', true, 'www.example.com:8443'],
  ['www.example.com:', true, 'www.example.com'],
  ['[2001:DB8::1]:443', true, '[2001:db8::1]'],
  ['[2001:db8::1]:8443', true, '[2001:db8::1]:8443'],
  ['[2001:db8::1]', false, '[2001:db8::1]'],
  ['192.0.2.7:443', true, '192.0.2.7'],
  ['', true, ''],
  ['2001:db8::1', true, '2001:db8::1'], // not host[:port]: only lower-cased
  ['Evil.Example:443x', true, 'evil.example:443x'],
];

async function insert(lines: string[], format: 'LineAsString' | 'JSONEachRow', token: string) {
  const body = format === 'LineAsString' ? lines : lines.map((raw) => JSON.stringify({ raw }));
  await handle.client.command({
    query: `INSERT INTO ja4_processing.http_logs_raw (raw) FORMAT ${format}\n${body.join('\n')}\n`,
    clickhouse_settings: { insert_deduplication_token: token },
  });
}

const lineFor = (host: string, tls: boolean, at: number, client: string) =>
  request({ at, host, tls, path: `/h${at}`, client_ip: client });

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-host'));
  await migrateUp(handle.client);
});
afterAll(async () => cleanup?.());

describe('0024: the host normalised before storage and aggregation', () => {
  it('stores the normalised host and the raw header, alike over both insert formats', async () => {
    const lines = (base: number) => CASES.map(([h, tls], i) => lineFor(h, tls, base + i, '91.121.10.20'));
    await insert(lines(0), 'LineAsString', 'hosts-line');
    await insert(lines(100), 'JSONEachRow', 'hosts-json');
    const got = await rows<{ path: string; host: string; host_raw: string }>(
      handle,
      'SELECT path, host, host_raw FROM ja4_processing.http_logs ORDER BY ts',
    );
    const want = (base: number) =>
      CASES.map(([raw, , host], i) => ({ path: `/h${base + i}`, host, host_raw: raw }));
    expect(got).toEqual([...want(0), ...want(100)]);
  });

  it('rolls one site up as one host in agg_host_ip_ja4_1h', async () => {
    const client = '198.51.100.44';
    const hosts = ['shop.example', 'SHOP.example.', 'shop.example:443', 'Shop.Example.:443'];
    await insert(
      hosts.map((h, i) => lineFor(h, true, 300 + i, client)),
      'LineAsString',
      'rollup',
    );
    const got = await rows<{ host: string; hits: string }>(
      handle,
      `SELECT host, sum(hits) AS hits FROM ja4_processing.agg_host_ip_ja4_1h
       WHERE src_ip = {client:String} GROUP BY host`,
      { client },
    );
    expect(got.map((r) => [r.host, Number(r.hits)])).toEqual([['shop.example', 4]]);
  });

  it('down stores the host as received again and drops host_raw; up again normalises', async () => {
    // Revert 0024 and every migration after it.
    await migrateDown(handle.client, readMigrations().filter((m) => m.version >= 24).length);
    const columns = await rows<{ name: string }>(
      handle,
      "SELECT name FROM system.columns WHERE database = 'ja4_processing' AND table = 'http_logs' AND name = 'host_raw'",
    );
    expect(columns).toEqual([]);
    await insert([lineFor('Down.Example:443', true, 500, '192.0.2.50')], 'LineAsString', 'down');
    await migrateUp(handle.client);
    await insert([lineFor('Up.Example:443', true, 501, '192.0.2.51')], 'LineAsString', 'up');
    const got = await rows<{ host: string; host_raw: string }>(
      handle,
      "SELECT host, host_raw FROM ja4_processing.http_logs WHERE client_ip IN ('192.0.2.50', '192.0.2.51') ORDER BY ts",
    );
    expect(got).toEqual([
      { host: 'Down.Example:443', host_raw: '' },
      { host: 'up.example', host_raw: 'Up.Example:443' },
    ]);
  });
});
