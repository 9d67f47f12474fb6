import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClickHouseClient,
  type ClickHouseHandle,
  openClickHouse,
  parseClickHouseUrl,
} from '../../../../appliance/common/clickhouse.js';
import { defaultConfig } from '../../../../appliance/common/config/schema.js';
import { ClickHouseUrlError, EmbeddedDirHeldError } from '../../../../appliance/common/errors.js';
import { CLICKHOUSE_IMAGE, dockerEngine } from '../../../helpers/docker.js';

const chDefaults = defaultConfig().clickhouse;

/** The same round trip on either transport: DDL, insert, parameterised select. */
async function roundTrip(client: ClickHouseClient) {
  await client.command({ query: 'CREATE DATABASE IF NOT EXISTS factory_test' });
  await client.command({
    query:
      'CREATE TABLE IF NOT EXISTS factory_test.t (id UInt32, name String) ENGINE = MergeTree ORDER BY id',
  });
  await client.insert({
    table: 'factory_test.t',
    values: [
      { id: 1, name: 'alpha' },
      { id: 2, name: "o'hara" },
      { id: 3, name: 'gamma' },
    ],
    format: 'JSONEachRow',
  });
  const rs = await client.query({
    query:
      'SELECT count() AS n, groupArray(name) AS names FROM (SELECT name FROM factory_test.t WHERE id >= {min:UInt32} ORDER BY id)',
    query_params: { min: 2 },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ n: number | string; names: string[] }>())[0];
}

describe('parseClickHouseUrl', () => {
  it('tells the transports apart and refuses anything else', () => {
    expect(parseClickHouseUrl('http://localhost:8123')).toEqual({
      transport: 'http',
      url: 'http://localhost:8123',
    });
    expect(parseClickHouseUrl('embedded:/tmp/x')).toEqual({ transport: 'embedded', dir: '/tmp/x' });
    expect(() => parseClickHouseUrl('embedded:')).toThrow(ClickHouseUrlError);
    expect(() => parseClickHouseUrl('tcp://h:9000')).toThrow(/not usable/);
  });
});

describe('openClickHouse on the embedded engine (chDB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-factory-'));
  let handle: ClickHouseHandle;

  beforeAll(async () => {
    handle = await openClickHouse({ ...chDefaults, url: `embedded:${dir}` });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('runs real DDL, inserts and parameterised selects', async () => {
    expect(handle.transport).toBe('embedded');
    const row = await roundTrip(handle.client);
    expect(Number(row.n)).toBe(2);
    expect(row.names).toEqual(["o'hara", 'gamma']);
  });

  it('is a real ClickHouse engine', async () => {
    const rs = await handle.client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
    const [{ v }] = await rs.json<{ v: string }>();
    expect(v).toMatch(/^\d+\.\d+/);
  });

  it('refuses a second process on the same directory with an error naming the directory and holder', async () => {
    const script = `
      import { openClickHouse } from './appliance/common/clickhouse.ts';
      try {
        await openClickHouse({ url: 'embedded:${dir}', username: 'default', password: '', cluster: '', request_timeout_ms: 60000 });
        console.log('OPENED');
      } catch (err) { console.log(err.code + ' ' + err.message); }
    `;
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: process.cwd(),
      });
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
      });
      child.on('close', () => resolve(text));
    });
    expect(out).toContain('JA4_ERR_EMBEDDED_HELD');
    expect(out).toContain(dir);
    expect(out).toContain(`process ${process.pid}`);
    expect(new EmbeddedDirHeldError(dir, 'x').exitCode).toBe(3);
  });
});

const docker = await dockerEngine(CLICKHOUSE_IMAGE);
const skipReason = docker.available ? '' : ` (skipped: ${docker.reason})`;

describe.skipIf(!docker.available)(
  `openClickHouse on a ClickHouse server via testcontainers${skipReason}`,
  () => {
    let handle: ClickHouseHandle;
    let stop: () => Promise<unknown>;

    beforeAll(async () => {
      const { GenericContainer, Wait } = await import('testcontainers');
      const container = await new GenericContainer(CLICKHOUSE_IMAGE)
        .withEnvironment({
          CLICKHOUSE_USER: 'ja4',
          CLICKHOUSE_PASSWORD: 'ja4',
          CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1',
        })
        .withExposedPorts(8123)
        .withWaitStrategy(Wait.forHttp('/ping', 8123))
        .start();
      stop = () => container.stop();
      const url = `http://${container.getHost()}:${container.getMappedPort(8123)}`;
      handle = await openClickHouse({ ...chDefaults, url, username: 'ja4', password: 'ja4' });
    }, 180_000);
    afterAll(async () => {
      await handle?.close();
      await stop?.();
    });

    it('runs the same round trip over HTTP', async () => {
      expect(handle.transport).toBe('http');
      const row = await roundTrip(handle.client);
      expect(Number(row.n)).toBe(2);
      expect(row.names).toEqual(["o'hara", 'gamma']);
    });
  },
);
