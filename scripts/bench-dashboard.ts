/**
 * `npm run bench:dashboard`: the dashboard's numbers, this checkout side by side with a baseline.
 *   1. data: an embedded engine with --rows requests in http_logs (default 10M) over the 24 hours
 *      before the build, through the real materialized-view chain (scripts/lib/bench-dashboard-data.ts),
 *      then one detector cycle; or the data set a previous run left in --dir (built once, reused);
 *      --backfill-aggregates fills aggregates newer than the data set and writes out columns added
 *      after it (bench-dashboard-backfill.ts);
 *   2. API: p50/p95 of every route over --requests calls each through app.inject(), this
 *      checkout's and, with --baseline DIR, the same views of DIR's dashboard (a checkout of the
 *      base commit: `git archive <commit> | tar -x -C DIR`, node_modules linked in), alternating;
 *   3. browser: the app's first load in Debian's Chromium (median of --loads cold loads), each side;
 *   4. the size of web/dist, raw and gzip, each side.
 *
 *   npm run bench:dashboard -- [--rows 10000000] [--dir DIR] [--base-scale 10] [--requests 30] [--loads 7]
 *                              [--backfill-aggregates] [--baseline DIR]
 *
 * Writes bench/results/dashboard.json. Goals: every route's p95 < 150 ms; first load < 1 s.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { minimist } from 'zx';
import {
  type ClickHouseClient,
  type Config,
  defaultConfig,
  openClickHouse,
} from '../appliance/common/index.js';
import { loadDictionaries, migrateUp } from '../appliance/common/migrate/index.js';
import { runCycle } from '../appliance/detector/index.js';
import { cpuLabel, load1m, writeResult } from './lib/bench.js';
import { backfillAggregates } from './lib/bench-dashboard-backfill.js';
import { bundleSize, measureFirstLoad } from './lib/bench-dashboard-browser.js';
import { buildDataSet, type DataSetInfo, readDataSetInfo } from './lib/bench-dashboard-data.js';
import { benchRoutes } from './lib/bench-dashboard-routes.js';
import { buildWeb, measureRoutes, openSide, PASSWORD, type Side } from './lib/bench-dashboard-sides.js';
import { recordQueries, summary } from './lib/bench-dashboard-timing.js';
import { isEntryPoint, numberOption, runMain } from './lib/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_P95_MS = 150;
const GOAL_FIRST_LOAD_MS = 1000;

function parseArgs(args: string[]) {
  const a = minimist(args, {
    string: ['dir', 'rows', 'base-scale', 'requests', 'loads', 'baseline'],
    boolean: ['backfill-aggregates'],
  });
  return {
    dir: a.dir ? resolve(String(a.dir)) : mkdtempSync(join(tmpdir(), 'ja4-bench-dash-')),
    rows: numberOption(a.rows, 'rows', 10_000_000, 1000, 100_000_000),
    baseScale: numberOption(a['base-scale'], 'base-scale', 10, 0.1, 1000, false),
    requests: numberOption(a.requests, 'requests', 30, 30, 10_000),
    loads: numberOption(a.loads, 'loads', 7, 5, 100),
    backfillAggregates: Boolean(a['backfill-aggregates']),
    baseline: a.baseline ? resolve(String(a.baseline)) : undefined,
  };
}

/**
 * Waits (at most 3 min) for background merges and mutations (a migration's column rewrite) to
 * finish, as they would have on a live appliance.
 */
async function settleMerges(client: ClickHouseClient, log: (m: string) => void) {
  const t = performance.now();
  while (performance.now() - t < 180_000) {
    const rs = await client.query({
      query: `SELECT (SELECT count() FROM system.merges)
                + (SELECT count() FROM system.mutations WHERE database = 'ja4_processing' AND NOT is_done) AS n`,
      format: 'JSONEachRow',
    });
    const [{ n }] = await rs.json<{ n: string }>();
    if (Number(n) === 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  log(`merges settled after ${Math.round((performance.now() - t) / 1000)} s`);
}

async function prepareData(config: Config, o: ReturnType<typeof parseArgs>, log: (m: string) => void) {
  const ch = await openClickHouse(config.clickhouse);
  let info = await readDataSetInfo(ch.client).catch(() => undefined);
  const cycleFile = join(o.dir, 'detector-cycle.json');
  let cycle: unknown = existsSync(cycleFile)
    ? { reused: true, ...JSON.parse(readFileSync(cycleFile, 'utf8')) }
    : 'none recorded';
  if (info) {
    log(`reusing ${info.rows} rows built ${info.built} in ${o.dir}`);
  } else {
    log(`building ${o.rows} rows in ${o.dir}`);
    await migrateUp(ch.client);
    await loadDictionaries(ch.client);
    const endUs = Math.floor(Date.now() / 60_000) * 60_000 * 1000;
    info = await buildDataSet(ch.client, {
      rows: o.rows,
      baseScale: o.baseScale,
      endUs,
      replicasPerInsert: 20,
      log,
    });
    log(`built: ${JSON.stringify(info)}`);
    await settleMerges(ch.client, log);
    const t = performance.now();
    const res = await runCycle({
      client: ch.client,
      config,
      log: pino({ level: 'warn' }),
      now: new Date(endUs / 1000),
    });
    cycle = { ...res, wall_ms: Math.round(performance.now() - t) };
    writeFileSync(cycleFile, JSON.stringify(cycle));
    log(
      `detector cycle: ${res.status}, ${res.scored} scored, ${res.anomalies} anomalies, ${res.durations_ms.total} ms`,
    );
  }
  const backfill = o.backfillAggregates ? await backfillAggregates(ch.client, log) : undefined;
  if (backfill?.migrations_applied.length) await settleMerges(ch.client, log);
  return { ch, info: info as DataSetInfo, cycle, backfill };
}

/** The drill-down targets: the top anomaly's address and the busiest JA4 of the day. */
async function targets(side: Side, endS: number) {
  const get = async (url: string) => {
    const cookie = `${side.cookie.name}=${side.cookie.value}`;
    const r = await side.app.inject({ method: 'GET', url, headers: { cookie } });
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return r.json();
  };
  const top = await get(`/api/anomalies?from=${endS - 86400}&to=${endS}&sort=score&order=desc`);
  const ov = await get(`/api/overview?from=${endS - 86400}&to=${endS}`);
  return {
    ip: (top.rows[0]?.src_ip as string) ?? '90.0.0.1',
    ja4: (ov.top_ja4[0]?.ja4 as string) ?? 't13d1516h2_8daaf6152771_02713d6af862',
    note: `overview 24h: ${ov.kpis.requests} requests; ${top.total} anomalous IPs`,
  };
}

async function firstLoads(sides: Side[], loads: number, log: (m: string) => void) {
  if (!existsSync('/usr/bin/chromium'))
    return { skipped: '/usr/bin/chromium is absent: run scripts/setup-system.sh' };
  const out: Record<string, unknown> = {};
  for (const side of sides) {
    log(`first loads in Chromium (${side.name})`);
    const fl = await measureFirstLoad(side.url, side.cookie, loads);
    out[side.name] = { ...fl, goal_ms: GOAL_FIRST_LOAD_MS, goal_met: fl.median_ms < GOAL_FIRST_LOAD_MS };
    log(`${side.name}: first load median ${fl.median_ms} ms (${fl.loads_ms.join(', ')})`);
  }
  return out;
}

function benchConfig(dir: string): Config {
  const base = defaultConfig();
  return {
    ...base,
    clickhouse: { ...base.clickhouse, url: `embedded:${join(dir, 'clickhouse')}` },
    dashboard: { ...base.dashboard, admin_password: PASSWORD, host: '127.0.0.1', port: 0 },
    detector: { ...base.detector, model_dir: join(dir, 'models') },
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const log = (m: string) => console.log(`[bench:dashboard] ${m}`);
  const loadBefore = load1m();
  buildWeb(ROOT);
  if (o.baseline) buildWeb(o.baseline);
  const config = benchConfig(o.dir);
  const { ch, info, cycle, backfill } = await prepareData(config, o, log);
  const recorder = recordQueries(ch.client);
  const sides: Side[] = [await openSide('new', ROOT, config, recorder.client)];
  if (o.baseline) sides.push(await openSide('base', o.baseline, config, ch.client));
  const results: Record<string, unknown> = {};
  try {
    const endS = Math.floor(info.end_us / 1_000_000);
    const t = await targets(sides[0], endS);
    log(`${t.note}; drill into ${t.ip} and ${t.ja4}`);
    const routes = benchRoutes(endS, t.ip, t.ja4);
    const api = await measureRoutes(
      routes,
      { fresh: sides[0], base: sides[1] },
      o.requests,
      GOAL_P95_MS,
      log,
      (r) => recorder.setRoute(r),
    );
    results.api = api.map((r) => ({
      ...r,
      queries: [...(recorder.byRoute.get(r.route) ?? new Map()).entries()]
        .map(([sql, ms]) => ({ sql, ...summary(ms) }))
        .sort((a, b) => b.p50_ms - a.p50_ms),
    }));
    for (const r of api)
      log(`${r.route}: p95 new ${r.new.p95_ms} ms${r.base ? `, base ${r.base.p95_ms} ms` : ''}`);
    results.first_load = await firstLoads(sides, o.loads, log);
  } finally {
    for (const side of sides) {
      await side.app.close();
      rmSync(side.stateDir, { recursive: true, force: true });
    }
    await ch.close();
  }
  log(`data set kept in ${o.dir} (reuse it with --dir; delete it when done)`);
  const bundle = Object.fromEntries(sides.map((s) => [s.name, bundleSize(s.webRoot)]));
  writeResult('dashboard', {
    benchmark: 'dashboard',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuLabel(),
    load_avg_1m: { before: loadBefore, after: load1m() },
    transport: 'embedded (chDB in-process, same process as the dashboard), app.inject()',
    baseline: o.baseline ?? null,
    data: { dir: o.dir, ...info },
    detector_cycle: cycle,
    ...(backfill ? { backfill_aggregates: backfill } : {}),
    requests_per_route: o.requests,
    ...results,
    bundle,
  });
  log('wrote bench/results/dashboard.json');
}

if (isEntryPoint(import.meta.url)) runMain('bench-dashboard', main);
