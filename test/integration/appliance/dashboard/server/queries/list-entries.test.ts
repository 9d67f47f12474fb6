import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../../appliance/common/migrate/index.js';
import { listEntries } from '../../../../../../appliance/dashboard/server/queries/decisions.js';
import { openEmbedded } from '../../../common/migrate/helpers.js';

// listEntries reads the lists as they stand: the newest version of each entry, whatever versions
// ClickHouse has not merged yet. Each version here is its own insert (its own part), newest first
// or last, so an answer that filtered before picking the newest version would show a removed
// entry through its older version.

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

const ID = {
  removed: '00000000-0000-4000-8000-000000000001',
  removedFirst: '00000000-0000-4000-8000-000000000002',
  kept: '00000000-0000-4000-8000-000000000003',
  expired: '00000000-0000-4000-8000-000000000004',
};

const entry = (id: string, version: string, deleted: number, over: Record<string, unknown> = {}) => ({
  id,
  version,
  list: 'allow',
  subject_kind: 'ip',
  subject: `192.0.2.${id.slice(-1)}`,
  note: `note ${version}`,
  created_by: 'admin',
  created_at: '2026-11-20 10:00:00.000',
  expires_at: null,
  deleted,
  ...over,
});

// Insert order: for `removedFirst`, the removal lands before the older, live version.
const VERSIONS = [
  entry(ID.removed, '2026-11-20 10:00:00.000', 0),
  entry(ID.removedFirst, '2026-11-20 12:00:00.000', 1),
  entry(ID.kept, '2026-11-20 10:00:00.000', 0),
  entry(ID.removed, '2026-11-20 11:00:00.000', 1),
  entry(ID.removedFirst, '2026-11-20 10:00:00.000', 0),
  entry(ID.kept, '2026-11-20 11:00:00.000', 0, { list: 'deny', created_at: '2026-11-21 09:30:00.000' }),
  entry(ID.expired, '2026-11-20 10:00:00.000', 0, { expires_at: '2026-11-20 11:00:00.000' }),
];

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-list-entries'));
  await migrateUp(handle.client);
  // Merges stopped, so each version stays in its part until the test merges them.
  await handle.client.command({ query: 'SYSTEM STOP MERGES ja4_processing.analyst_lists' });
  for (const v of VERSIONS)
    await handle.client.insert({
      table: 'ja4_processing.analyst_lists',
      values: [v],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
});
afterAll(async () => cleanup?.());

describe('listEntries', () => {
  it('lists each entry by its newest version, whatever the order its versions were written in', async () => {
    const parts = await handle.client.query({
      query: `SELECT count() AS n FROM system.parts
              WHERE database = 'ja4_processing' AND table = 'analyst_lists' AND active`,
      format: 'JSONEachRow',
    });
    expect(Number((await parts.json<{ n: string }>())[0].n)).toBe(VERSIONS.length);
    expect(await listEntries(handle.client)).toEqual([
      {
        id: ID.kept,
        list: 'deny',
        subject_kind: 'ip',
        subject: '192.0.2.3',
        note: 'note 2026-11-20 11:00:00.000',
        created_by: 'admin',
        created_at: '2026-11-21T09:30:00Z',
        expires_at: null,
        active: true,
      },
      {
        id: ID.expired,
        list: 'allow',
        subject_kind: 'ip',
        subject: '192.0.2.4',
        note: 'note 2026-11-20 10:00:00.000',
        created_by: 'admin',
        created_at: '2026-11-20T10:00:00Z',
        expires_at: '2026-11-20T11:00:00Z',
        active: false,
      },
    ]);
  });

  it('still does after ClickHouse merges the versions', async () => {
    await handle.client.command({ query: 'SYSTEM START MERGES ja4_processing.analyst_lists' });
    await handle.client.command({ query: 'OPTIMIZE TABLE ja4_processing.analyst_lists FINAL' });
    expect((await listEntries(handle.client)).map((e) => [e.id, e.list])).toEqual([
      [ID.kept, 'deny'],
      [ID.expired, 'allow'],
    ]);
  });
});
