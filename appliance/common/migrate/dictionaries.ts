import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { renderForCluster } from './cluster.js';
import { parseCsv } from './csv.js';
import { lastLoadState, recordLoadState } from './dictionary-loads.js';
import { DICTIONARY_SPECS, type DictionarySpec } from './dictionary-specs.js';
import { DictionaryFilesError, DictionaryRowError } from './errors.js';
import { defaultMigrationsDir } from './files.js';

export interface LoadDictionariesOptions {
  /** Folder of ip_asn.csv, asn_reputation.csv, bot_ip.csv, bot_ja4.csv; default migrations/dictionaries. */
  dir?: string;
  log?: Logger;
  cluster?: string;
  /**
   * Load only when every source table is empty (first start of `ja4 up`). When they hold data but
   * the last load did not finish reloading the dictionaries (dictionary_loads), only the reload
   * is done again.
   */
  ifEmpty?: boolean;
}

type Row = Record<string, string | number>;

export function defaultDictionariesDir(): string {
  return join(defaultMigrationsDir(), 'dictionaries');
}

/**
 * Validates every row of every file first (a bad row stops the load naming file:line), then
 * loads each file into <source>_staging, swaps it with the live source table (EXCHANGE TABLES,
 * atomic per table), and reloads the dictionaries. Until the swap the live tables are untouched,
 * so a failure leaves the previous data live. Files absent from `dir` leave their table as is.
 */
export async function loadDictionaries(
  client: ClickHouseClient,
  opts: LoadDictionariesOptions = {},
): Promise<{ rows: Record<string, number>; reloaded?: string[] }> {
  const dir = resolve(opts.dir ?? defaultDictionariesDir());
  const parsed = readDictionaryFiles(dir);
  const cluster = opts.cluster ?? '';
  const run = async (sql: string) => {
    for (const query of renderForCluster(sql, cluster)) await client.command({ query });
  };
  if (opts.ifEmpty && !(await allEmpty(client))) {
    if ((await lastLoadState(client, cluster)) === 'loaded') {
      opts.log?.info({ dir }, 'dictionaries already loaded; skipping');
      return { rows: {} };
    }
    // The tables hold data the dictionaries may not serve: a reload failed after the swap
    // (or no load was recorded). Reload what the tables hold; the files are not read again.
    opts.log?.warn('the last dictionary load did not finish its reload; reloading the dictionaries');
    const reloaded = await reloadAll(DICTIONARY_SPECS, run, client, cluster);
    return { rows: {}, reloaded };
  }
  const rows: Record<string, number> = {};
  try {
    for (const { spec, rows: data } of parsed) {
      const staging = `${spec.table}_staging`;
      await run(`CREATE TABLE IF NOT EXISTS ${staging} AS ${spec.table}`);
      await run(`TRUNCATE TABLE IF EXISTS ${staging}`);
      if (data.length > 0) {
        await client.insert({
          table: staging,
          values: data,
          format: 'JSONEachRow',
          clickhouse_settings: { async_insert: 0, insert_deduplicate: 0 },
        });
      }
    }
    await recordLoadState(client, 'swapped', names(parsed.map((p) => p.spec)), cluster);
    for (const { spec } of parsed) await run(`EXCHANGE TABLES ${spec.table} AND ${spec.table}_staging`);
  } finally {
    for (const { spec } of parsed) await run(`DROP TABLE IF EXISTS ${spec.table}_staging`);
  }
  await reloadAll(
    parsed.map((p) => p.spec),
    run,
    client,
    cluster,
  );
  for (const { spec, rows: data } of parsed) {
    const name = spec.dictionary.split('.')[1];
    rows[name] = data.length;
    opts.log?.info({ dictionary: name, rows: data.length }, 'dictionary loaded');
  }
  return { rows };
}

/** SYSTEM RELOAD DICTIONARY for each; "loaded" is recorded only once every reload succeeded. */
async function reloadAll(
  specs: readonly DictionarySpec[],
  run: (sql: string) => Promise<void>,
  client: ClickHouseClient,
  cluster: string,
): Promise<string[]> {
  for (const spec of specs) await run(`SYSTEM RELOAD DICTIONARY ${spec.dictionary}`);
  await recordLoadState(client, 'loaded', names(specs), cluster);
  return names(specs);
}

const names = (specs: readonly DictionarySpec[]) => specs.map((s) => s.dictionary.split('.')[1]);

/** Parses and validates the known files present in `dir`; throws on the first bad row. */
export function readDictionaryFiles(dir: string): { spec: DictionarySpec; rows: Row[] }[] {
  if (!existsSync(dir)) throw new DictionaryFilesError(dir, 'folder not found');
  const known = new Map(DICTIONARY_SPECS.map((s) => [s.file, s]));
  const present = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  for (const f of present) {
    if (!known.has(f))
      throw new DictionaryFilesError(dir, `${f} is not one of ${[...known.keys()].join(', ')}`);
  }
  if (present.length === 0)
    throw new DictionaryFilesError(dir, `no CSV file (${[...known.keys()].join(', ')})`);
  return DICTIONARY_SPECS.filter((s) => present.includes(s.file)).map((spec) => ({
    spec,
    rows: parseDictionaryCsv(spec, readFileSync(join(dir, spec.file), 'utf8'), join(dir, spec.file)),
  }));
}

export function parseDictionaryCsv(spec: DictionarySpec, text: string, file = spec.file): Row[] {
  const csv = parseCsv(text);
  if (!csv.ok) throw new DictionaryRowError(file, csv.line, csv.reason);
  const [header, ...records] = csv.records;
  const expected = spec.columns.map((c) => c.name);
  if (!header || header.fields.join(',') !== expected.join(',')) {
    throw new DictionaryRowError(file, header?.line ?? 1, `the header must be ${expected.join(',')}`);
  }
  const seen = new Map<string | number, number>();
  return records.map(({ line, fields }) => {
    if (fields.length !== expected.length) {
      throw new DictionaryRowError(file, line, `${fields.length} fields, expected ${expected.length}`);
    }
    const row: Row = {};
    spec.columns.forEach((col, i) => {
      const result = col.check(fields[i]);
      if (!result.ok) throw new DictionaryRowError(file, line, `${col.name}: ${result.reason}`);
      row[col.name] = result.value;
    });
    const key = row[spec.key];
    const first = seen.get(key);
    if (first !== undefined)
      throw new DictionaryRowError(file, line, `${spec.key} ${key} repeats line ${first}`);
    seen.set(key, line);
    return row;
  });
}

async function allEmpty(client: ClickHouseClient): Promise<boolean> {
  for (const spec of DICTIONARY_SPECS) {
    const rs = await client.query({ query: `SELECT count() AS n FROM ${spec.table}`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string | number }>();
    if (Number(row?.n ?? 0) > 0) return false;
  }
  return true;
}
