/**
 * A dictionary load whose SYSTEM RELOAD DICTIONARY fails after the source tables were swapped
 * (a DNS error on a server, say) is not recorded as loaded, so the next start reloads instead of
 * skipping; once a reload succeeded, starts skip again. Real chDB; the failure is injected in
 * the client, on the reload statement only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient, ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { loadDictionaries, migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-dict-reload'));
  await migrateUp(handle.client);
});
afterAll(async () => {
  await cleanup?.();
});

/** The client with every statement recorded, and SYSTEM RELOAD refused while `fail` is set. */
function instrumented(client: ClickHouseClient) {
  const state = { fail: false, reloads: [] as string[] };
  const wrapped = Object.create(client) as ClickHouseClient;
  wrapped.command = async (params) => {
    if (/^SYSTEM RELOAD DICTIONARY/i.test(params.query)) {
      if (state.fail) throw new Error('injected: Code: 198. DNS_ERROR: Not found address of host');
      state.reloads.push(params.query);
    }
    return client.command(params);
  };
  return { client: wrapped, state };
}

describe('loadDictionaries after a failed reload', () => {
  it('reloads on the next start, then skips once a reload succeeded', async () => {
    const { client, state } = instrumented(handle.client);
    state.fail = true;
    await expect(loadDictionaries(client, { ifEmpty: true })).rejects.toThrow(/DNS_ERROR/);
    // The swap happened: the tables hold the data, the dictionaries were never reloaded.
    const [n] = await rows<{ n: string }>(
      handle,
      'SELECT count() AS n FROM ja4_processing.dict_bot_ja4_source',
    );
    expect(Number(n.n)).toBeGreaterThan(0);

    state.fail = false;
    const second = await loadDictionaries(client, { ifEmpty: true });
    expect(state.reloads).toHaveLength(5);
    expect(second.reloaded?.sort()).toEqual([
      'dict_asn_reputation',
      'dict_bot_ip',
      'dict_bot_ja4',
      'dict_ip_asn',
      'dict_ja4_family',
    ]);

    state.reloads = [];
    expect(await loadDictionaries(client, { ifEmpty: true })).toEqual({ rows: {}, lists: [] });
    expect(state.reloads).toEqual([]);
  });

  it('a failed reload during a later load is retried too', async () => {
    const { client, state } = instrumented(handle.client);
    state.fail = true;
    await expect(loadDictionaries(client)).rejects.toThrow(/DNS_ERROR/);
    state.fail = false;
    await loadDictionaries(client, { ifEmpty: true });
    expect(state.reloads).toHaveLength(5);
  });
});
