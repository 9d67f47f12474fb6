/**
 * `npm run bench:dashboard`: the dashboard's numbers (issue 10, "Performance"), side by side in one run.
 *   1. data: an embedded engine with --rows requests in http_logs (default 10M) over the 24 hours
 *      before the build, through the real materialized-view chain (scripts/lib/bench-dashboard-data.ts),
 *      then one detector cycle; or the data set a previous run left in --dir (built once, reused);
 *   2. API: p50/p95 of the main routes over --requests calls each, through app.inject() and through
 *      real HTTP on loopback, interleaved round by round;
 *   3. browser: the app's first load in Debian's Chromium (median of --loads cold loads);
 *   4. the size of web/dist, raw and gzip.
 *
 *   npm run bench:dashboard -- [--rows 10000000] [--dir DIR] [--base-scale 10] [--requests 30] [--loads 7]
 *                              [--backfill-aggregates]
 *
 * --backfill-aggregates (data step): on a data set built before the dashboard's aggregates
 * (agg_overview_sets, ml_anomaly_summary_1h), applies the pending migrations and fills each empty
 * aggregate once from its source (scripts/lib/bench-dashboard-backfill.ts).
 *
 * Writes bench/results/dashboard.json. Goals: p95 < 150 ms for overview and anomalies; first load < 1 s.
 */
import { execFileSync } from 'node:child_process';
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
import { buildApp } from '../appliance/dashboard/server/app.js';
import { runCycle } from '../appliance/detector/index.js';
import { cpuLabel, load1m, writeResult } from './lib/bench.js';
import { backfillAggregates } from './lib/bench-dashboard-backfill.js';
import { bundleSize, measureFirstLoad } from './lib/bench-dashboard-browser.js';
import { buildDataSet, type DataSetInfo, readDataSetInfo } from './lib/bench-dashboard-data.js';
import { recordQueries, summary } from './lib/bench-dashboard-timing.js';
import { isEntryPoint, numberOption, runMain } from './lib/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_P95_MS = 150;
const GOAL_FIRST_LOAD_MS = 1000;
const PASSWORD = 'bench-dashboard-pass';

function parseArgs(args: string[]) {
  const a = minimist(args, {
    string: ['dir', 'rows', 'base-scale', 'requests', 'loads'],
    boolean: ['backfill-aggregates'],
  });
  return {
    dir: a.dir ? resolve(String(a.dir)) : mkdtempSync(join(tmpdir(), 'ja4-bench-dash-')),
    rows: numberOption(a.rows, 'rows', 10_000_000, 1000, 100_000_000),
    baseScale: numberOption(a['base-scale'], 'base-scale', 10, 0.1, 1000, false),
    requests: numberOption(a.requests, 'requests', 30, 30, 10_000),
    loads: numberOption(a.loads, 'loads', 7, 5, 100),
    backfillAggregates: Boolean(a['backfill-aggregates']),
  };
}

/** The measured routes, as the web app calls them, over the data set's last hour/day/week. */
function routes(endS: number, ip: string, ja4: string) {
  const w = (s: number) => `from=${endS - s}&to=${endS}`;
  return [
    { name: 'overview 1h', goal: true, url: `/api/overview?${w(3600)}` },
    { name: 'overview 24h', goal: true, url: `/api/overview?${w(86400)}` },
    { name: 'overview 7d', goal: true, url: `/api/overview?${w(7 * 86400)}` },
    {
      name: 'anomalies p1 by score',
      goal: true,
      url: `/api/anomalies?${w(86400)}&sort=score&order=desc&page=1`,
    },
    {
      name: 'anomalies filtered',
      goal: true,
      url: `/api/anomalies?${w(86400)}&asn_label=hosting&min_score=0.5&q=45.155&sort=requests&page=1`,
    },
    { name: 'ip detail', goal: false, url: `/api/ips/${encodeURIComponent(ip)}?${w(86400)}` },
    {
      name: 'fingerprint detail',
      goal: false,
      url: `/api/fingerprints/${encodeURIComponent(ja4)}?${w(86400)}`,
    },
    {
      name: 'search cidr',
      goal: false,
      url: `/api/search?q=${encodeURIComponent('90.0.0.0/16')}&${w(86400)}`,
    },
  ];
}

/** Waits (at most 3 min) for background merges to finish, as they would have on a live appliance. */
async function settleMerges(client: ClickHouseClient, log: (m: string) => void) {
  const t = performance.now();
  while (performance.now() - t < 180_000) {
    const rs = await client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
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
  return { ch, info: info as DataSetInfo, cycle, backfill };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const log = (m: string) => console.log(`[bench:dashboard] ${m}`);
  const loadBefore = load1m();
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
  const base = defaultConfig();
  const config: Config = {
    ...base,
    clickhouse: { ...base.clickhouse, url: `embedded:${join(o.dir, 'clickhouse')}` },
    dashboard: {
      ...base.dashboard,
      state_dir: mkdtempSync(join(tmpdir(), 'ja4-bench-dash-state-')),
      admin_password: PASSWORD,
      host: '127.0.0.1',
      port: 0,
    },
    detector: { ...base.detector, model_dir: join(o.dir, 'models') },
  };
  const { ch, info, cycle, backfill } = await prepareData(config, o, log);
  const recorder = recordQueries(ch.client);
  const { app } = await buildApp({ config, clickhouse: recorder.client, log: pino({ level: 'warn' }) });
  const results: Record<string, unknown> = {};
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const baseUrl = `http://127.0.0.1:${port}`;
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    const sid = login.cookies.find((c) => c.name === 'ja4_session');
    if (login.statusCode !== 200 || !sid) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
    const cookie = `${sid.name}=${sid.value}`;
    const endS = Math.floor(info.end_us / 1_000_000);

    // The drill-down targets: the top anomaly's address and the busiest JA4 of the day.
    const get = async (url: string) => {
      const r = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return r.json();
    };
    const top = await get(`/api/anomalies?from=${endS - 86400}&to=${endS}&sort=score&order=desc`);
    const ov = await get(`/api/overview?from=${endS - 86400}&to=${endS}`);
    const ip = top.rows[0]?.src_ip ?? '90.0.0.1';
    const ja4 = ov.top_ja4[0]?.ja4 ?? 't13d1516h2_8daaf6152771_02713d6af862';
    log(
      `overview 24h: ${ov.kpis.requests} requests; ${top.total} anomalous IPs; drill into ${ip} and ${ja4}`,
    );

    const list = routes(endS, ip, ja4);
    const samples = new Map(list.map((r) => [r.name, { inject: [] as number[], http: [] as number[] }]));
    const sizes = new Map<string, number>();
    const timeInject = async (url: string) => {
      const t = performance.now();
      const r = await app.inject({ method: 'GET', url, headers: { cookie } });
      const ms = performance.now() - t;
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return { ms, bytes: r.rawPayload.length };
    };
    const timeHttp = async (url: string) => {
      const t = performance.now();
      const r = await fetch(`${baseUrl}${url}`, { headers: { cookie } });
      const body = await r.arrayBuffer();
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
      return { ms, bytes: body.byteLength };
    };
    // Two warm-up calls per route (dictionaries, marks and the JIT), then `requests` rounds; in
    // each round every route is called once per transport, the transport order alternating.
    for (const r of list) for (let i = 0; i < 2; i++) await timeInject(r.url);
    for (let round = 0; round < o.requests; round++) {
      for (const r of list) {
        const s = samples.get(r.name) as { inject: number[]; http: number[] };
        recorder.setRoute(r.name);
        const order = round % 2 === 0 ? (['inject', 'http'] as const) : (['http', 'inject'] as const);
        for (const t of order) {
          const { ms, bytes } = t === 'inject' ? await timeInject(r.url) : await timeHttp(r.url);
          s[t].push(ms);
          sizes.set(r.name, bytes);
        }
        recorder.setRoute(undefined);
      }
      if ((round + 1) % 10 === 0) log(`API round ${round + 1}/${o.requests}`);
    }
    results.api = list.map((r) => {
      const s = samples.get(r.name) as { inject: number[]; http: number[] };
      const inject = summary(s.inject);
      const http = summary(s.http);
      const queries = [...(recorder.byRoute.get(r.name) ?? new Map()).entries()]
        .map(([sql, ms]) => ({ sql, ...summary(ms) }))
        .sort((a, b) => b.p50_ms - a.p50_ms);
      return {
        route: r.name,
        url: r.url,
        response_bytes: sizes.get(r.name),
        inject,
        http,
        goal_p95_ms: r.goal ? GOAL_P95_MS : null,
        goal_met: r.goal ? Math.max(inject.p95_ms, http.p95_ms) < GOAL_P95_MS : null,
        queries,
      };
    });
    for (const r of results.api as { route: string; inject: { p95_ms: number }; http: { p95_ms: number } }[])
      log(`${r.route}: p95 inject ${r.inject.p95_ms} ms, http ${r.http.p95_ms} ms`);

    if (existsSync('/usr/bin/chromium')) {
      log('first loads in Chromium');
      const fl = await measureFirstLoad(`${baseUrl}/`, sid, o.loads);
      results.first_load = {
        ...fl,
        goal_ms: GOAL_FIRST_LOAD_MS,
        goal_met: fl.median_ms < GOAL_FIRST_LOAD_MS,
      };
      log(`first load median ${fl.median_ms} ms (${fl.loads_ms.join(', ')})`);
    } else {
      results.first_load = { skipped: '/usr/bin/chromium is absent: run scripts/setup-system.sh' };
    }
  } finally {
    await app.close();
    await ch.close();
    rmSync(config.dashboard.state_dir, { recursive: true, force: true });
  }
  log(`data set kept in ${o.dir} (reuse it with --dir; delete it when done)`);
  const bundle = bundleSize(join(ROOT, 'appliance/dashboard/web/dist'));
  log(`bundle: ${bundle.total_raw_bytes} bytes raw, ${bundle.total_gzip_bytes} gzip`);
  const result = {
    benchmark: 'dashboard',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuLabel(),
    load_avg_1m: { before: loadBefore, after: load1m() },
    transport: 'embedded (chDB in-process, same process as the dashboard)',
    data: { dir: o.dir, ...info },
    detector_cycle: cycle,
    ...(backfill ? { backfill_aggregates: backfill } : {}),
    requests_per_route: o.requests,
    ...results,
    bundle,
  };
  writeResult('dashboard', result);
  log('wrote bench/results/dashboard.json');
}

if (isEntryPoint(import.meta.url)) runMain('bench-dashboard', main);
