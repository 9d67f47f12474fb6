import type { ClickHouseClient } from '@clickhouse/client';
import pino, { type Logger } from 'pino';
import { APPLIANCE_VERSION } from '../version.js';
import { type AppliedRow, bookkeepingExists, ensureBookkeeping, readApplied, record } from './bookkeeping.js';
import { renderForCluster } from './cluster.js';
import { MigrationChecksumError, MigrationFailedError, MigrationMissingError } from './errors.js';
import { type Migration, pad, readMigrations, splitStatements } from './files.js';
import { acquireLock } from './lock.js';
import { modifiedView, viewReload } from './view-reload.js';

export interface MigrateOptions {
  /** Folder of NNNN_<verb>_<object>.(up|down).sql files; default: the repository's migrations/. */
  dir?: string;
  /** clickhouse.cluster: renders ON CLUSTER and Replicated/Distributed engines (cluster.ts). */
  cluster?: string;
  log?: Logger;
  /** How long to wait for another runner's lock (default 120 s). */
  lockWaitMs?: number;
}

export interface MigrationState {
  version: number;
  name: string;
  file: string;
  state: 'applied' | 'pending' | 'edited' | 'missing';
  appliedAt?: string;
}

const silent = pino({ level: 'silent' });

/** Applies every pending migration in order, under the lock; a second run applies nothing. */
export async function migrateUp(
  client: ClickHouseClient,
  opts: MigrateOptions = {},
): Promise<{ applied: string[]; current: number }> {
  const log = opts.log ?? silent;
  const migrations = readMigrations(opts.dir);
  await ensureBookkeeping(client, opts.cluster);
  const lock = await acquireLock(client, { waitMs: opts.lockWaitMs, log });
  const applied: string[] = [];
  try {
    const done = await readApplied(client);
    checkApplied(migrations, done, opts.dir);
    const doneVersions = new Set(done.map((r) => r.version));
    let current = done.at(-1)?.version ?? 0;
    for (const m of migrations) {
      if (doneVersions.has(m.version)) continue;
      const started = performance.now();
      await runStatements(client, m.file, m.up, opts.cluster ?? '');
      const durationMs = performance.now() - started;
      await record(client, { ...m, direction: 'up', durationMs }, lock.owner, APPLIANCE_VERSION);
      log.info({ migration: m.file, duration_ms: Math.round(durationMs) }, 'migration applied');
      applied.push(m.file);
      current = m.version;
    }
    return { applied, current };
  } finally {
    await lock.release();
  }
}

/** Reverts the newest `steps` applied migrations with their .down.sql, newest first. */
export async function migrateDown(
  client: ClickHouseClient,
  steps: number,
  opts: MigrateOptions = {},
): Promise<{ reverted: string[]; current: number }> {
  const log = opts.log ?? silent;
  const migrations = readMigrations(opts.dir);
  await ensureBookkeeping(client, opts.cluster);
  const lock = await acquireLock(client, { waitMs: opts.lockWaitMs, log });
  const reverted: string[] = [];
  try {
    const done = await readApplied(client);
    const byVersion = new Map(migrations.map((m) => [m.version, m]));
    const targets = done.slice().reverse().slice(0, Math.max(0, steps));
    for (const row of targets) {
      const m = byVersion.get(row.version);
      if (!m) throw new MigrationMissingError(row.version, row.name, opts.dir ?? 'migrations/');
      if (m.checksum !== row.checksum) {
        log.warn({ migration: m.file }, 'reverting a migration whose up file changed since it was applied');
      }
      const started = performance.now();
      await runStatements(client, m.downFile, m.down, opts.cluster ?? '');
      const durationMs = performance.now() - started;
      await record(
        client,
        { ...m, checksum: row.checksum, direction: 'down', durationMs },
        lock.owner,
        APPLIANCE_VERSION,
      );
      log.info({ migration: m.downFile, duration_ms: Math.round(durationMs) }, 'migration reverted');
      reverted.push(m.downFile);
    }
    const remaining = done.slice(0, done.length - targets.length);
    return { reverted, current: remaining.at(-1)?.version ?? 0 };
  } finally {
    await lock.release();
  }
}

/** Every migration file and every recorded version with its state; reads only. */
export async function migrationStatus(
  client: ClickHouseClient,
  opts: MigrateOptions = {},
): Promise<{ current: number; migrations: MigrationState[] }> {
  const migrations = readMigrations(opts.dir);
  const done = (await bookkeepingExists(client)) ? await readApplied(client) : [];
  const doneBy = new Map(done.map((r) => [r.version, r]));
  const out: MigrationState[] = migrations.map((m) => {
    const row = doneBy.get(m.version);
    const state = !row ? 'pending' : row.checksum === m.checksum ? 'applied' : 'edited';
    return { version: m.version, name: m.name, file: m.file, state, appliedAt: row?.applied_at };
  });
  const known = new Set(migrations.map((m) => m.version));
  for (const row of done) {
    if (!known.has(row.version)) {
      out.push({
        version: row.version,
        name: row.name,
        file: `${pad(row.version)}_${row.name}.up.sql`,
        state: 'missing',
        appliedAt: row.applied_at,
      });
    }
  }
  return { current: done.at(-1)?.version ?? 0, migrations: out.sort((a, b) => a.version - b.version) };
}

/** Refuses to go on when an applied migration's file changed or disappeared. */
export function checkApplied(migrations: Migration[], done: AppliedRow[], dir = 'migrations/'): void {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of done) {
    const m = byVersion.get(row.version);
    if (!m) throw new MigrationMissingError(row.version, row.name, dir);
    if (m.checksum !== row.checksum) throw new MigrationChecksumError(m.file, row.checksum, m.checksum);
  }
}

/**
 * Runs a file's statements one by one. On failure nothing is recorded for the migration; the
 * statements before the failing one have run, and since every statement is idempotent
 * (IF [NOT] EXISTS), fixing the cause and running `up` again completes it.
 */
async function runStatements(client: ClickHouseClient, file: string, sql: string, cluster: string) {
  const statements = splitStatements(sql);
  for (const [i, statement] of statements.entries()) {
    const view = modifiedView(statement);
    // A view altered in place is reloaded at once (view-reload.ts: deduplication across restarts).
    const reload = view ? viewReload(view, cluster) : { before: [], after: [] };
    for (const query of [...reload.before, ...renderForCluster(statement, cluster), ...reload.after]) {
      try {
        await client.command({ query });
      } catch (err) {
        const reason = (err as Error).message.split('\n')[0];
        const note =
          i === 0
            ? 'nothing in it ran'
            : `statements 1-${i} of ${statements.length} ran; they are idempotent, so fix the cause and run up again`;
        throw new MigrationFailedError(file, i + 1, reason, note);
      }
    }
  }
}
