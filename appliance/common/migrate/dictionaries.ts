import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { renderForCluster } from './cluster.js';
import { type ParsedFile, type Row, readDictionaryFiles } from './dictionary-files.js';
import { lastLoadState, recordLoadState } from './dictionary-loads.js';
import { DICTIONARY_SPECS, type DictionarySpec } from './dictionary-specs.js';
import { defaultMigrationsDir } from './files.js';
import {
  classifiedKinds,
  IP_ASN_ATTRIBUTION,
  IP_ASN_LICENCE,
  packageRangeSource,
  type RangeSource,
  rangeFilesIn,
  readInternetAsn,
} from './internet-asn.js';
import { packageInfo, type ReferenceList, recordReferenceLists } from './reference-lists.js';

export { parseDictionaryCsv, readDictionaryFiles } from './dictionary-files.js';

export interface LoadDictionariesOptions {
  /** Folder of the reference CSVs (and optionally range files); default migrations/dictionaries. */
  dir?: string;
  /**
   * Load the whole internet's IP → ASN table (about 730k prefixes, ~100 MB in the ip_trie
   * dictionary) and the classified kind of every ASN in it: from `dir`'s range files when it has
   * them, else from the installed @ip-location-db/asn. `ja4 up`, `ja4 dict load` and `ja4 dict
   * update` pass true; without it, ip_asn.csv's few ranges are loaded (what tests and the demo need).
   */
  internet?: boolean;
  log?: Logger;
  cluster?: string;
  /**
   * Load only when every source table is empty (first start of `ja4 up`). When they hold data but
   * the last load did not finish reloading the dictionaries (dictionary_loads), only the reload
   * is done again.
   */
  ifEmpty?: boolean;
}

export function defaultDictionariesDir(): string {
  return join(defaultMigrationsDir(), 'dictionaries');
}

interface Load {
  spec: DictionarySpec;
  rows?: Row[];
  /** TabSeparated chunks (the internet table), instead of rows. */
  tsv?: { chunks: string[]; columns: string[] };
  count: number;
}

/**
 * Validates every row of every file first (a bad row stops the load naming file:line), then
 * loads each list into <source>_staging, swaps it with the live source table (EXCHANGE TABLES,
 * atomic per table), reloads the dictionaries and records each list in reference_lists. Until
 * the swap the live tables are untouched, so a failure leaves the previous data live. Lists absent
 * from `dir` leave their table as is.
 */
export async function loadDictionaries(
  client: ClickHouseClient,
  opts: LoadDictionariesOptions = {},
): Promise<{ rows: Record<string, number>; lists: ReferenceList[]; reloaded?: string[] }> {
  const dir = resolve(opts.dir ?? defaultDictionariesDir());
  const shipped = dir === resolve(defaultDictionariesDir());
  const parsed = readDictionaryFiles(dir, (f) => (shipped ? `ja4-platform migrations/dictionaries/${f}` : f));
  const cluster = opts.cluster ?? '';
  const run = async (sql: string) => {
    for (const query of renderForCluster(sql, cluster)) await client.command({ query });
  };
  if (opts.ifEmpty && !(await allEmpty(client))) {
    if ((await lastLoadState(client, cluster)) === 'loaded') {
      opts.log?.info({ dir }, 'dictionaries already loaded; skipping');
      return { rows: {}, lists: [] };
    }
    // The tables hold data the dictionaries may not serve: a reload failed after the swap
    // (or no load was recorded). Reload what the tables hold; the files are not read again.
    opts.log?.warn('the last dictionary load did not finish its reload; reloading the dictionaries');
    const reloaded = await reloadAll(DICTIONARY_SPECS, run, client, cluster);
    return { rows: {}, lists: [], reloaded };
  }
  const own = rangeFilesIn(dir);
  const ranges: RangeSource | undefined =
    own.length > 0 ? rangeSourceOf(dir, own) : opts.internet ? packageRangeSource() : undefined;
  const loads = plan(parsed, ranges, opts.log);
  try {
    for (const load of loads) await stage(client, run, load);
    await recordLoadState(client, 'swapped', names(loads.map((l) => l.spec)), cluster);
    for (const { spec } of loads) await run(`EXCHANGE TABLES ${spec.table} AND ${spec.table}_staging`);
  } finally {
    for (const { spec } of loads) await run(`DROP TABLE IF EXISTS ${spec.table}_staging`);
  }
  await reloadAll(
    loads.map((l) => l.spec),
    run,
    client,
    cluster,
  );
  const rows: Record<string, number> = {};
  for (const { spec, count } of loads) {
    const name = spec.dictionary.split('.')[1];
    rows[name] = count;
    opts.log?.info({ dictionary: name, rows: count }, 'dictionary loaded');
  }
  const lists = referenceLists(loads, parsed, ranges);
  await recordReferenceLists(client, lists);
  return { rows, lists };
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

function rangeSourceOf(dir: string, files: RangeSource['files']): RangeSource {
  const date = new Date().toISOString().slice(0, 10);
  return {
    files,
    provenance: { source: `${dir} (range files)`, source_version: date, source_date: date },
    url: '',
  };
}

/** What goes into each table: the files as parsed, with the internet table and classified kinds. */
function plan(parsed: ParsedFile[], ranges: RangeSource | undefined, log?: Logger): Load[] {
  const loads: Load[] = parsed.map((p) => ({ spec: p.spec, rows: p.rows, count: p.rows.length }));
  if (!ranges) return loads;
  const t0 = performance.now();
  const internet = readInternetAsn(ranges);
  log?.info({ rows: internet.rows, ms: Math.round(performance.now() - t0) }, 'IP to ASN ranges read');
  const ipSpec = spec('ip_asn.csv');
  const ip: Load = {
    spec: ipSpec,
    tsv: {
      chunks: internet.chunks,
      columns: ['network', 'asn', 'asn_name', 'country', ...ipSpec.provenance],
    },
    count: internet.rows,
  };
  const rest = loads.filter((l) => l.spec !== ipSpec);
  const kinds = rest.find((l) => l.spec.file === 'asn_reputation.csv');
  // The curated kinds come with the folder, or else from the shipped file: a folder holding only
  // newer range files must not leave the ASNs with the classifier's guesses alone.
  const curated =
    kinds?.rows ??
    readDictionaryFiles(defaultDictionariesDir()).find((p) => p.spec.file === 'asn_reputation.csv')?.rows ??
    [];
  const guessed = classifiedKinds(
    internet.names,
    new Set(curated.map((r) => Number(r.asn))),
    ranges.provenance.source_date,
  );
  const kindLoad: Load = { spec: spec('asn_reputation.csv'), rows: [...curated, ...guessed], count: 0 };
  kindLoad.count = kindLoad.rows?.length ?? 0;
  return [ip, kindLoad, ...rest.filter((l) => l !== kinds)];
}

function spec(file: string): DictionarySpec {
  return DICTIONARY_SPECS.find((s) => s.file === file) as DictionarySpec;
}

async function stage(
  client: ClickHouseClient,
  run: (sql: string) => Promise<void>,
  load: Load,
): Promise<void> {
  const staging = `${load.spec.table}_staging`;
  await run(`CREATE TABLE IF NOT EXISTS ${staging} AS ${load.spec.table}`);
  await run(`TRUNCATE TABLE IF EXISTS ${staging}`);
  const settings = { async_insert: 0, insert_deduplicate: 0 } as const;
  if (load.tsv) {
    await client.insert({
      table: staging,
      values: Readable.from(load.tsv.chunks, { objectMode: false }),
      format: 'TabSeparated',
      columns: load.tsv.columns as [string, ...string[]],
      clickhouse_settings: settings,
    });
  } else if (load.rows && load.rows.length > 0) {
    await client.insert({
      table: staging,
      values: load.rows,
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
  }
}

const LICENCES: Record<string, { licence: string; attribution: string; url: string }> = {
  asn_kind: {
    licence: 'MIT (X4BNet/lists_vpn); BSD-3-Clause (curated rows, classifier)',
    attribution: 'Datacenter and VPN ASNs: X4BNet/lists_vpn, MIT, (c) 2024 X4B (Mathew Heard)',
    url: 'https://github.com/X4BNet/lists_vpn',
  },
  ja4_family: {
    licence: 'BSD-3-Clause (JA4, (c) FoxIO)',
    attribution:
      "TLS client families in part from FoxIO's ja4plus-mapping.csv (JA4: BSD-3-Clause, (c) FoxIO)",
    url: 'https://github.com/FoxIO-LLC/ja4',
  },
};

/** One reference_lists row per loaded list, plus the User-Agent packages the detector uses. */
function referenceLists(
  loads: Load[],
  parsed: ParsedFile[],
  ranges: RangeSource | undefined,
): ReferenceList[] {
  const out: ReferenceList[] = [];
  for (const load of loads) {
    const file = parsed.find((p) => p.spec === load.spec);
    const internet = load.tsv !== undefined && ranges !== undefined;
    const p = internet ? ranges.provenance : (file?.provenance ?? ranges?.provenance);
    if (!p) continue;
    const known = LICENCES[load.spec.list];
    out.push({
      list: load.spec.list,
      source: p.source,
      version: p.source_version,
      source_date: p.source_date,
      rows: load.count,
      licence: internet ? IP_ASN_LICENCE : (known?.licence ?? 'BSD-3-Clause'),
      attribution: internet ? IP_ASN_ATTRIBUTION : (known?.attribution ?? ''),
      url: internet ? (ranges.url ?? '') : (known?.url ?? ''),
    });
  }
  const today = new Date().toISOString().slice(0, 10);
  for (const [list, name, licence] of [
    ['ua_bots', 'isbot', 'Unlicense'],
    ['ua_crawlers', 'crawler-user-agents', 'MIT'],
  ] as const) {
    const info = packageInfo(name);
    if (!info) continue;
    const attribution =
      name === 'crawler-user-agents' ? 'Crawler User-Agents: monperrus/crawler-user-agents, MIT' : '';
    out.push({
      list,
      source: `npm ${name}`,
      version: info.version,
      source_date: today,
      rows: 0,
      licence,
      attribution,
      url: `https://www.npmjs.com/package/${name}`,
    });
  }
  return out;
}

async function allEmpty(client: ClickHouseClient): Promise<boolean> {
  for (const spec of DICTIONARY_SPECS) {
    const rs = await client.query({ query: `SELECT count() AS n FROM ${spec.table}`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string | number }>();
    if (Number(row?.n ?? 0) > 0) return false;
  }
  return true;
}
