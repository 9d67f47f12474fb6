import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import pino from 'pino';
import { DATABASE } from '../clickhouse.js';
import { ensureBookkeeping, readApplied } from './bookkeeping.js';
import { readMigrations, splitStatements } from './files.js';
import type { MigrateOptions } from './runner.js';

export interface VerifyResult {
  ok: boolean;
  /** One line per difference, naming the object. */
  problems: string[];
  /** The applied version the live schema was compared against. */
  current: number;
  objects: number;
}

/** Objects the runner or the dictionary loader owns, not the migrations. */
const IGNORED = /^(schema_migrations|schema_migrations_lock|dictionary_loads|.*_staging|.*_dist)$/;

/**
 * Compares the live ja4_processing with what the files say it should be: the applied
 * migrations are replayed into a scratch database (the same SQL with the database renamed, no
 * ON CLUSTER), then both are read from system.tables and system.columns and diffed: objects,
 * engines, sorting/partition keys, view queries, columns and their types. The scratch database
 * is dropped afterwards. TTLs are not compared: retention is configuration (retention.ts).
 * Recorded checksums are checked too (an edited applied file is a difference).
 */
export async function verifySchema(
  client: ClickHouseClient,
  opts: MigrateOptions = {},
): Promise<VerifyResult> {
  const log = opts.log ?? pino({ level: 'silent' });
  const migrations = readMigrations(opts.dir);
  await ensureBookkeeping(client, opts.cluster);
  const done = await readApplied(client);
  const problems: string[] = [];
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of done) {
    const m = byVersion.get(row.version);
    if (!m) problems.push(`version ${row.version} (${row.name}) is applied but has no file`);
    else if (m.checksum !== row.checksum) problems.push(`${m.file} was edited after it was applied`);
  }
  const scratch = `ja4_verify_${randomBytes(4).toString('hex')}`;
  const rename = (sql: string) => sql.replace(new RegExp(`\\b${DATABASE}\\b`, 'g'), scratch);
  let objects = 0;
  try {
    await client.command({ query: `CREATE DATABASE ${scratch}` });
    for (const row of done) {
      const m = byVersion.get(row.version);
      if (!m) continue;
      for (const statement of splitStatements(m.up)) await client.command({ query: rename(statement) });
    }
    const [want, have] = await Promise.all([describe(client, scratch), describe(client, DATABASE)]);
    objects = want.size;
    diff(want, have, problems, (s) => s.replaceAll(scratch, DATABASE));
  } finally {
    await client.command({ query: `DROP DATABASE IF EXISTS ${scratch} SYNC` }).catch((err: Error) => {
      log.warn({ err, database: scratch }, 'could not drop the verify scratch database');
    });
  }
  return { ok: problems.length === 0, problems, current: done.at(-1)?.version ?? 0, objects };
}

interface ObjectShape {
  engine: string;
  keys: string;
  select: string;
  columns: Map<string, string>;
}

async function describe(client: ClickHouseClient, db: string): Promise<Map<string, ObjectShape>> {
  const tables = await (
    await client.query({
      query: `SELECT name, engine, sorting_key, partition_key, primary_key, as_select
              FROM system.tables WHERE database = {db:String}`,
      query_params: { db },
      format: 'JSONEachRow',
    })
  ).json<{
    name: string;
    engine: string;
    sorting_key: string;
    partition_key: string;
    primary_key: string;
    as_select: string;
  }>();
  const columns = await (
    await client.query({
      query: `SELECT table, name, type, default_kind, default_expression FROM system.columns
              WHERE database = {db:String} ORDER BY table, position`,
      query_params: { db },
      format: 'JSONEachRow',
    })
  ).json<{ table: string; name: string; type: string; default_kind: string; default_expression: string }>();
  const out = new Map<string, ObjectShape>();
  for (const t of tables) {
    if (IGNORED.test(t.name)) continue;
    out.set(t.name, {
      // A cluster deployment runs Replicated* engines where the files say * (cluster.ts).
      engine: t.engine.replace(/^Replicated(?=\w*MergeTree$)/, ''),
      keys: `ORDER BY ${t.sorting_key} PARTITION BY ${t.partition_key} PRIMARY KEY ${t.primary_key}`,
      select: t.as_select,
      columns: new Map(),
    });
  }
  for (const c of columns) {
    out
      .get(c.table)
      ?.columns.set(c.name, `${c.type}${c.default_kind ? ` ${c.default_kind} ${c.default_expression}` : ''}`);
  }
  return out;
}

function diff(
  want: Map<string, ObjectShape>,
  have: Map<string, ObjectShape>,
  problems: string[],
  normalise: (s: string) => string,
): void {
  for (const [name, w] of want) {
    const h = have.get(name);
    if (!h) {
      problems.push(`${DATABASE}.${name} (${w.engine}) is missing`);
      continue;
    }
    if (w.engine !== h.engine) problems.push(`${name}: engine is ${h.engine}, files say ${w.engine}`);
    if (w.keys !== h.keys) problems.push(`${name}: ${h.keys}; files say ${w.keys}`);
    if (normalise(w.select) !== h.select) problems.push(`${name}: its query differs from the files`);
    for (const [col, type] of w.columns) {
      const got = h.columns.get(col);
      if (got === undefined) problems.push(`${name}.${col} is missing`);
      else if (got !== normalise(type))
        problems.push(`${name}.${col} is ${got}, files say ${normalise(type)}`);
    }
    for (const col of h.columns.keys()) {
      if (!w.columns.has(col)) problems.push(`${name}.${col} is not in the files`);
    }
  }
  for (const [name, h] of have) {
    if (!want.has(name)) problems.push(`${DATABASE}.${name} (${h.engine}) is not in the applied migrations`);
  }
}
