/**
 * Seeds ClickHouse with realistic, labelled traffic (appliance/demo): human, scanner, known-bot and
 * brute-force sessions as correlated rows into ja4_processing.http_logs_raw, so the whole
 * materialized-view chain runs, and the true label of every session into
 * ja4_processing.seed_labels (and optionally a JSON-lines file).
 *
 *   npm run seed -- [--url embedded:./var/clickhouse | http://host:8123] [--seed 42] [--scale 1]
 *                   [--at 2026-11-21T20:00:00Z] [--hours 24] [--batch 10000] [--labels FILE]
 *                   [--dictionaries DIR] [--migrate] [--yes] [--no-progress]
 *
 * The same --seed and --at give the same rows. Writing into a ClickHouse server needs
 * CAN_SEED_DATABASE=1 or --yes (the fastify/demo seeder's latch); an embedded directory is local.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { chalk, echo, minimist } from 'zx';
import { openClickHouse, parseClickHouseUrl } from '../appliance/common/clickhouse.js';
import { loadConfig } from '../appliance/common/config/index.js';
import { defaultDictionariesDir, loadDictionaries, migrateUp } from '../appliance/common/migrate/index.js';
import {
  LABELS_TABLE,
  RAW_TABLE,
  readBotLists,
  SCENARIOS,
  type SeedOptions,
  type SeedSummary,
  sessionCounts,
  tableExists,
  writeSeed,
} from '../appliance/demo/index.js';
import { isEntryPoint, numberOption, runMain } from './lib/cli.js';
import { ScriptOptionError, SeedLatchError, SeedSchemaError } from './lib/errors.js';

export const SEED_USAGE = `usage: npm run seed -- [--url embedded:DIR|http://host:8123] [--seed 42] [--scale 1]
       [--at ISO-DATE] [--hours 24] [--batch 10000] [--labels FILE] [--dictionaries DIR]
       [--migrate] [--yes] [--no-progress]
Writing into a ClickHouse server needs CAN_SEED_DATABASE=1 or --yes.`;

export interface SeedCliOptions {
  help: boolean;
  url?: string;
  config?: string;
  seed: string;
  scale: number;
  endUs: number;
  hours: number;
  batchRows: number;
  labelsFile?: string;
  dictionaries: string;
  migrate: boolean;
  yes: boolean;
  progress: boolean;
}

/** Parses and checks the command line; throws ScriptOptionError naming the bad option. */
export function parseSeedArgs(args: readonly string[], now = Date.now()): SeedCliOptions {
  const a = minimist([...args], {
    string: ['url', 'seed', 'at', 'labels', 'dictionaries', 'config', 'scale', 'hours', 'batch'],
    boolean: ['migrate', 'yes', 'progress', 'help'],
    default: { progress: true },
  });
  let endUs = Math.floor(now / 60_000) * 60_000 * 1000;
  if (a.at !== undefined) {
    const t = Date.parse(String(a.at));
    if (Number.isNaN(t))
      throw new ScriptOptionError('at', a.at, 'an ISO 8601 date, e.g. 2026-11-21T20:00:00Z');
    endUs = t * 1000;
  }
  const seed = a.seed === undefined ? '42' : String(a.seed);
  if (seed === '') throw new ScriptOptionError('seed', a.seed, 'a non-empty string or number');
  return {
    help: Boolean(a.help),
    url: a.url,
    config: a.config,
    seed,
    scale: numberOption(a.scale, 'scale', 1, 0.001, 100_000, false),
    endUs,
    hours: numberOption(a.hours, 'hours', 24, 1, 24 * 30),
    batchRows: numberOption(a.batch, 'batch', 10_000, 100, 1_000_000),
    labelsFile: a.labels ? resolve(String(a.labels)) : undefined,
    dictionaries: resolve(a.dictionaries ? String(a.dictionaries) : defaultDictionariesDir()),
    migrate: Boolean(a.migrate),
    yes: Boolean(a.yes),
    progress: Boolean(a.progress),
  };
}

export function formatSummary(s: SeedSummary, o: SeedCliOptions, url: string): string {
  const secs = Math.max(s.elapsedMs, 1) / 1000;
  const lines = [
    chalk.bold(
      `seeded ${s.totalRows} rows in ${secs.toFixed(1)} s (${Math.round(s.totalRows / secs)} rows/s) into ${url}`,
    ),
    ...SCENARIOS.map(
      (sc) =>
        `  ${sc.padEnd(11)} ${String(s.sessions[sc]).padStart(8)} sessions ${String(s.rows[sc]).padStart(10)} rows`,
    ),
    s.totalRows > 0
      ? `  window      ${new Date(s.firstTsUs / 1000).toISOString()} .. ${new Date(s.lastTsUs / 1000).toISOString()}`
      : '  window      (no rows: raise --scale)',
    `  labels      ${LABELS_TABLE} (run_id ${s.runId})${o.labelsFile ? ` and ${o.labelsFile}` : ''}`,
    `  reproduce   --seed ${o.seed} --scale ${o.scale} --hours ${o.hours} --at ${new Date(o.endUs / 1000).toISOString()}`,
  ];
  return lines.join('\n');
}

export async function main(
  args = process.argv.slice(2),
  env = process.env,
): Promise<SeedSummary | undefined> {
  const o = parseSeedArgs(args);
  if (o.help) {
    echo(SEED_USAGE);
    return undefined;
  }
  const { config } = loadConfig({ file: o.config, overrides: { 'clickhouse.url': o.url } });
  const url = config.clickhouse.url;
  // Preflight, before anything is opened or written.
  if (parseClickHouseUrl(url).transport === 'http' && !o.yes && env.CAN_SEED_DATABASE !== '1') {
    throw new SeedLatchError(url);
  }
  const bots = readBotLists(o.dictionaries);
  const plan: SeedOptions = { seed: o.seed, scale: o.scale, endUs: o.endUs, hours: o.hours, bots };
  const counts = sessionCounts(o.scale);
  const total = SCENARIOS.reduce((n, s) => n + counts[s], 0);
  echo(`seeding ${url}: ${total} sessions (${SCENARIOS.map((s) => `${counts[s]} ${s}`).join(', ')})`);

  const ch = await openClickHouse(config.clickhouse);
  try {
    if (o.migrate) {
      echo('applying migrations and loading dictionaries');
      await migrateUp(ch.client, { cluster: config.clickhouse.cluster });
      await loadDictionaries(ch.client, { dir: o.dictionaries, cluster: config.clickhouse.cluster });
    }
    if (!(await tableExists(ch.client, RAW_TABLE))) throw new SeedSchemaError(RAW_TABLE, url);
    const bar =
      o.progress && process.stderr.isTTY
        ? new SingleBar(
            {
              format: 'seeding [{bar}] {percentage}% | {value}/{total} sessions | {rows} rows',
              stream: process.stderr,
            },
            Presets.shades_classic,
          )
        : undefined;
    bar?.start(total, 0, { rows: 0 });
    const summary = await writeSeed(ch.client, plan, {
      runId: randomUUID(),
      batchRows: o.batchRows,
      labelsFile: o.labelsFile,
      onProgress: (p) => bar?.update(p.sessions, { rows: p.rows }),
    }).finally(() => bar?.stop());
    echo(formatSummary(summary, o, url));
    return summary;
  } finally {
    await ch.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  runMain('seed-clickhouse', async () => {
    await main();
  });
}
