import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { LOCK_TABLE } from './bookkeeping.js';
import { MigrationLockedError } from './errors.js';

export interface LockOptions {
  /** How long to wait for another runner before giving up (default 120 s). */
  waitMs?: number;
  /** A lock older than this is considered abandoned (a killed runner) and broken (default 30 min). */
  staleMs?: number;
  pollMs?: number;
  log?: Logger;
}

export interface HeldLock {
  owner: string;
  generation: number;
  release(): Promise<void>;
}

/**
 * A mutual-exclusion lock built from MergeTree insert deduplication, because ClickHouse has no
 * transactions and KeeperMap needs Keeper (chDB has none; see README "The migration lock").
 *
 * Generation g is free when g-1 has a 'release' row. To take it, every contender inserts its own
 * 'acquire' row for g with the same insert_deduplication_token `acquire-g`: ClickHouse commits
 * the first block and silently drops the others (the deduplication check and the part commit
 * happen under one lock in MergeTree, and through Keeper in ReplicatedMergeTree). Each contender
 * then reads who owns g; exactly one finds itself. Release inserts 'release' for g (token
 * `release-g`), which frees g+1.
 */
export async function acquireLock(client: ClickHouseClient, opts: LockOptions = {}): Promise<HeldLock> {
  const waitMs = opts.waitMs ?? 120_000;
  const staleMs = opts.staleMs ?? 30 * 60_000;
  const pollMs = opts.pollMs ?? 250;
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const started = Date.now();
  let announced = false;
  for (;;) {
    const generation = (await lastReleased(client)) + 1;
    await insertEvent(client, generation, 'acquire', owner);
    const holder = await holderOf(client, generation);
    if (holder?.owner === owner) {
      return { owner, generation, release: () => insertEvent(client, generation, 'release', owner) };
    }
    if (holder && holder.age_ms > staleMs) {
      opts.log?.warn({ holder: holder.owner, since: holder.at }, 'breaking an abandoned migration lock');
      await insertEvent(client, generation, 'release', owner);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new MigrationLockedError(holder?.owner ?? '?', holder?.at ?? '?', waited);
    if (!announced) {
      opts.log?.info({ holder: holder?.owner, since: holder?.at }, 'waiting for another migration runner');
      announced = true;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function lastReleased(client: ClickHouseClient): Promise<number> {
  const rs = await client.query({
    query: `SELECT max(generation) AS g FROM ${LOCK_TABLE} WHERE event = 'release'`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ g: string | number }>();
  return Number(row?.g ?? 0);
}

async function insertEvent(
  client: ClickHouseClient,
  generation: number,
  event: 'acquire' | 'release',
  owner: string,
): Promise<void> {
  await client.command({
    query: `INSERT INTO ${LOCK_TABLE} SELECT {g:UInt64}, {event:String}, {owner:String}, now64(6)`,
    query_params: { g: generation, event, owner },
    clickhouse_settings: {
      async_insert: 0,
      insert_deduplicate: 1,
      insert_deduplication_token: `ja4-migrate-${event}-${generation}`,
    },
  });
}

async function holderOf(
  client: ClickHouseClient,
  generation: number,
): Promise<{ owner: string; at: string; age_ms: number } | undefined> {
  const rs = await client.query({
    query: `SELECT owner, toString(at) AS since, dateDiff('millisecond', at, now64(6)) AS age_ms
            FROM ${LOCK_TABLE} WHERE generation = {g:UInt64} AND event = 'acquire'
            ORDER BY at LIMIT 1`,
    query_params: { g: generation },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ owner: string; since: string; age_ms: string | number }>();
  return row ? { owner: row.owner, at: row.since, age_ms: Number(row.age_ms) } : undefined;
}
