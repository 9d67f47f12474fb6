import { appendFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import {
  acquireLock,
  applyRetention,
  BOOKKEEPING_DDL,
  defaultMigrationsDir,
  MigrationChecksumError,
  MigrationFailedError,
  MigrationLockedError,
  migrateDown,
  migrateUp,
  migrationStatus,
  readMigrations,
  renderForCluster,
  splitStatements,
  verifySchema,
} from '../../../../../appliance/common/migrate/index.js';
import { copyMigrations, openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;
const shipped = readMigrations();
const tables = async () =>
  (
    await rows<{ name: string }>(
      handle,
      "SELECT name FROM system.tables WHERE database = 'ja4_processing' ORDER BY name",
    )
  ).map((r) => r.name);

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-runner'));
});
afterAll(async () => cleanup?.());

describe('migrations on the embedded engine', () => {
  it('applies everything from empty, then nothing the second time', async () => {
    const first = await migrateUp(handle.client);
    expect(first.applied).toEqual(shipped.map((m) => m.file));
    expect(first.current).toBe(shipped.length);
    const second = await migrateUp(handle.client);
    expect(second).toEqual({ applied: [], current: shipped.length });
    const recorded = await rows<{ n: string }>(
      handle,
      "SELECT count() AS n FROM ja4_processing.schema_migrations WHERE direction = 'up'",
    );
    expect(Number(recorded[0].n)).toBe(shipped.length);
    for (const name of [
      'http_logs_raw',
      'http_logs',
      'agg_host_ip_ja4_1h',
      'agg_overview_sets',
      'mv_agg_overview_sets',
      'ml_anomaly_summary_1h',
      'mv_ml_anomaly_summary_1h',
      'view_ai_features_1h',
      'ml_all_scores',
      'ml_detected_anomalies',
      'view_ip_recurrence',
      'dict_ip_asn',
      'dict_bot_ja4',
    ]) {
      expect(await tables()).toContain(name);
    }
  });

  it('records checksums that match the files', async () => {
    const status = await migrationStatus(handle.client);
    expect(status.current).toBe(shipped.length);
    expect(status.migrations.map((m) => m.state)).toEqual(shipped.map(() => 'applied'));
    const sums = await rows<{ version: number; checksum: string }>(
      handle,
      'SELECT version, checksum FROM ja4_processing.schema_migrations ORDER BY version',
    );
    expect(sums.map((r) => r.checksum)).toEqual(shipped.map((m) => m.checksum));
  });

  it('verify passes on a fresh schema and names a drifted column', async () => {
    const ok = await verifySchema(handle.client);
    expect(ok).toMatchObject({ ok: true, problems: [], current: shipped.length });
    expect(ok.objects).toBeGreaterThanOrEqual(15);
    await handle.client.command({
      query: 'ALTER TABLE ja4_processing.http_logs ADD COLUMN IF NOT EXISTS rogue UInt8',
    });
    await handle.client.command({ query: 'DROP VIEW ja4_processing.view_ip_recurrence' });
    const bad = await verifySchema(handle.client);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toContain('http_logs.rogue is not in the files');
    expect(bad.problems).toContain('ja4_processing.view_ip_recurrence (View) is missing');
    await handle.client.command({ query: 'ALTER TABLE ja4_processing.http_logs DROP COLUMN rogue' });
    const dir = copyMigrations();
    try {
      // Re-running the files from the view's onwards recreates it (they are idempotent), and verify
      // is clean again.
      const since = shipped.length - shipped.findIndex((m) => m.file.includes('view_ip_recurrence'));
      await migrateDown(handle.client, since, { dir });
      await migrateUp(handle.client, { dir });
      expect((await verifySchema(handle.client)).problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(
      (await rows(handle, "SELECT name FROM system.databases WHERE name LIKE 'ja4_verify_%'")).length,
    ).toBe(0);
  });

  it('goes down to zero, leaving only the bookkeeping, and up again', async () => {
    const down = await migrateDown(handle.client, 100);
    expect(down.reverted).toEqual(shipped.map((m) => m.downFile).reverse());
    expect(down.current).toBe(0);
    expect(await tables()).toEqual(['schema_migrations', 'schema_migrations_lock']);
    expect((await migrationStatus(handle.client)).migrations.every((m) => m.state === 'pending')).toBe(true);
    const up = await migrateUp(handle.client);
    expect(up.applied).toHaveLength(shipped.length);
    expect((await verifySchema(handle.client)).ok).toBe(true);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = copyMigrations();
    try {
      appendFileSync(join(dir, shipped[2].file), '\n-- an innocent-looking edit\n');
      const err = await migrateUp(handle.client, { dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationChecksumError);
      expect((err as Error).message).toContain(shipped[2].file);
      expect((await migrationStatus(handle.client, { dir })).migrations[2].state).toBe('edited');
      expect((await verifySchema(handle.client, { dir })).problems).toContain(
        `${shipped[2].file} was edited after it was applied`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops at a broken migration, names the file and the ClickHouse error, and records nothing', async () => {
    const dir = copyMigrations();
    const n = String(shipped.length + 1).padStart(4, '0');
    const file = `${n}_create_broken_table.up.sql`;
    try {
      writeFileSync(
        join(dir, file),
        'CREATE TABLE IF NOT EXISTS ja4_processing.broken_ok (x UInt8) ENGINE = MergeTree ORDER BY x;\n' +
          'CREATE TABLE IF NOT EXISTS ja4_processing.broken_bad (x NoSuchType) ENGINE = MergeTree ORDER BY x;\n',
      );
      writeFileSync(
        join(dir, `${n}_create_broken_table.down.sql`),
        'DROP TABLE IF EXISTS ja4_processing.broken_bad;\nDROP TABLE IF EXISTS ja4_processing.broken_ok;\n',
      );
      const err = await migrateUp(handle.client, { dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationFailedError);
      const message = (err as Error).message;
      expect(message).toContain(file);
      expect(message).toContain('statement 2');
      expect(message).toMatch(/NoSuchType/);
      const status = await migrationStatus(handle.client, { dir });
      expect(status.current).toBe(shipped.length);
      expect(status.migrations.at(-1)).toMatchObject({ file, state: 'pending' });
      // The lock was released: a normal run proceeds at once.
      expect(await migrateUp(handle.client, { lockWaitMs: 1000 })).toEqual({
        applied: [],
        current: shipped.length,
      });
      // Fixing the file and re-running completes it (statement 1 is idempotent).
      writeFileSync(
        join(dir, file),
        'CREATE TABLE IF NOT EXISTS ja4_processing.broken_ok (x UInt8) ENGINE = MergeTree ORDER BY x;\n',
      );
      expect((await migrateUp(handle.client, { dir })).applied).toEqual([file]);
      expect((await migrateDown(handle.client, 1, { dir })).reverted).toEqual([
        `${n}_create_broken_table.down.sql`,
      ]);
      expect(await tables()).not.toContain('broken_ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets only one of two concurrent runners apply', async () => {
    await migrateDown(handle.client, 3);
    const ups = async () =>
      rows<{ version: number; n: string }>(
        handle,
        "SELECT version, count() AS n FROM ja4_processing.schema_migrations WHERE direction = 'up' AND version <= {n:UInt32} GROUP BY version ORDER BY version",
        { n: shipped.length },
      );
    const before = new Map((await ups()).map((r) => [r.version, Number(r.n)]));
    const [a, b] = await Promise.all([migrateUp(handle.client), migrateUp(handle.client)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(shipped.slice(-3).map((m) => m.file));
    expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
    for (const r of await ups()) {
      const expected = (before.get(r.version) ?? 0) + (r.version > shipped.length - 3 ? 1 : 0);
      expect(Number(r.n), `version ${r.version}`).toBe(expected);
    }
  });

  it('makes a second lock holder wait and then give up with the holder named', async () => {
    const held = await acquireLock(handle.client);
    try {
      const err = await migrateUp(handle.client, { lockWaitMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationLockedError);
      expect((err as Error).message).toContain(held.owner);
    } finally {
      await held.release();
    }
    expect((await migrateUp(handle.client, { lockWaitMs: 1000 })).applied).toEqual([]);
  });

  it('applies the configured retention only where it differs', async () => {
    const changed = await applyRetention(handle.client, { http_logs_days: 7, ml_days: 30 });
    expect(changed.sort()).toEqual(['agg_host_ip_ja4_1h', 'agg_overview_sets', 'http_logs']);
    const [t] = await rows<{ engine_full: string }>(
      handle,
      "SELECT engine_full FROM system.tables WHERE database = 'ja4_processing' AND name = 'http_logs'",
    );
    expect(t.engine_full).toMatch(/toIntervalDay\(7\)/);
    expect(await applyRetention(handle.client, { http_logs_days: 7, ml_days: 30 })).toEqual([]);
    expect((await verifySchema(handle.client)).ok).toBe(true);
  });

  it('renders cluster SQL that ClickHouse parses (formatQuery; not executed)', async () => {
    const statements = [
      ...BOOKKEEPING_DDL,
      ...shipped.flatMap((m) => [...splitStatements(m.up), ...splitStatements(m.down)]),
      'EXCHANGE TABLES ja4_processing.dict_bot_ip_source AND ja4_processing.dict_bot_ip_source_staging',
      'SYSTEM RELOAD DICTIONARY ja4_processing.dict_bot_ip',
      'ALTER TABLE ja4_processing.http_logs MODIFY TTL toDateTime(ts) + INTERVAL 7 DAY',
    ];
    let parsed = 0;
    for (const statement of statements) {
      for (const query of renderForCluster(statement, 'ja4_cluster')) {
        const [r] = await rows<{ f: string }>(handle, 'SELECT formatQuery({q:String}) AS f', { q: query });
        // DDL runs ON CLUSTER; a one-off INSERT ... SELECT goes through the Distributed twins.
        if (/^INSERT/i.test(query))
          expect(r.f, query.slice(0, 80)).toMatch(/^INSERT INTO ja4_processing\.\w+_dist/);
        else expect(r.f, query.slice(0, 80)).toContain('ON CLUSTER ja4_cluster');
        parsed++;
      }
    }
    expect(parsed).toBeGreaterThan(statements.length);
  });

  it('uses the shipped folder by default', () => {
    expect(readdirSync(defaultMigrationsDir())).toContain(shipped[0].file);
  });
});
