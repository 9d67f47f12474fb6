import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../appliance/common/clickhouse.js';
import { openTempEmbedded } from '../../../helpers/clickhouse.js';

let ch: ClickHouseHandle;

const setting = async (name: string) => {
  const rs = await ch.client.query({ query: `SELECT getSetting('${name}') AS v`, format: 'JSONEachRow' });
  return String((await rs.json<{ v: unknown }>())[0].v);
};
const count = async () => {
  const rs = await ch.client.query({
    query: 'SELECT count() AS n FROM settings_test.t',
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: number | string }>())[0].n);
};

beforeAll(async () => {
  ch = await openTempEmbedded('ja4-settings-');
  await ch.client.command({ query: 'CREATE DATABASE settings_test' });
  // The deduplication window makes a stale insert_deduplication_token drop rows silently.
  await ch.client.command({
    query:
      'CREATE TABLE settings_test.t (x UInt32) ENGINE = MergeTree ORDER BY x SETTINGS non_replicated_deduplication_window = 100',
  });
});
afterAll(async () => ch?.close());

describe('per-call settings on the shared embedded session', () => {
  it('does not let one call’s settings leak into the next', async () => {
    const before = await setting('max_threads');
    await ch.client.query({
      query: 'SELECT 1',
      format: 'JSONEachRow',
      clickhouse_settings: { max_threads: 1 },
    });
    expect(await setting('max_threads')).toBe(before);
  });

  it('keeps rows inserted without a token after an insert with one', async () => {
    await ch.client.insert({
      table: 'settings_test.t',
      values: [{ x: 1 }],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: 'batch-1' },
    });
    await ch.client.insert({ table: 'settings_test.t', values: [{ x: 2 }], format: 'JSONEachRow' });
    await ch.client.insert({ table: 'settings_test.t', values: [{ x: 3 }], format: 'JSONEachRow' });
    expect(await count()).toBe(3);
    // A real replay (same token) is still dropped: deduplication keeps working per call.
    await ch.client.insert({
      table: 'settings_test.t',
      values: [{ x: 1 }],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: 'batch-1' },
    });
    expect(await count()).toBe(3);
  });

  it('still accepts writes after a reader asked for readonly', async () => {
    await ch.client.query({
      query: 'SELECT 1',
      format: 'JSONEachRow',
      clickhouse_settings: { readonly: '2' },
    });
    await ch.client.insert({ table: 'settings_test.t', values: [{ x: 4 }], format: 'JSONEachRow' });
    expect(await count()).toBe(4);
  });

  it('runs concurrent calls without mixing their settings', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const rs = await ch.client.query({
          query: "SELECT getSetting('max_threads') AS v",
          format: 'JSONEachRow',
          clickhouse_settings: { max_threads: n },
        });
        return Number((await rs.json<{ v: number | string }>())[0].v);
      }),
    );
    expect(results).toEqual([1, 2, 3, 4]);
  });
});
