/**
 * `npm run bench:detection-real`: the detector against real clients nobody here wrote, through
 * the real pipeline on one machine (Debian's Apache with mod_reqin_log and mod_remoteip, the
 * sentinel on loopback, `ja4 up --no-seed` with the default config: no demo data).
 *   - browsers: Debian's Chromium (playwright-core) and Firefox ESR (WebDriver BiDi), 16 visits
 *     each from residential ISP addresses, 4–6 page views with 2–6 s pauses, subresources loaded
 *     by the browser;
 *   - tools from Debian's packages (curl, wget, httpie, python-requests, sqlmap, gobuster, dirb,
 *     wfuzz, ffuf, hydra, whatweb, wapiti, siege, ab, w3m; nmap's http scripts and lynx from
 *     loopback), each from a hosting and a residential address, some with a browser UA;
 *   - a TLS-impersonating scraper (wreq-js: Chrome's ClientHello and a Chrome UA).
 * Client addresses are real ASN ranges of each kind, sent as X-Forwarded-For. Then one detector
 * cycle on demand, and per client: JA4, score, verdict, source, reasons; recall, false-positive
 * rate, AUC, margin; the model alone beside scikit-learn on the same rows. Writes
 * bench/results/detection-real.json. Bounded: about 10 minutes.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, openClickHouse } from '../appliance/common/index.js';
import { apacheMissing, buildModule, freePort, startApache } from '../appliance/web-host/index.js';
import { APACHE, MODULE_DIR } from './lib/apache-host.js';
import { writeResult } from './lib/bench.js';
import { isEntryPoint, runMain } from './lib/cli.js';
import { startAppliance } from './lib/real-appliance.js';
import {
  chromiumVisits,
  firefoxVisits,
  impersonatorVisit,
  loadImpersonator,
  type Visit,
} from './lib/real-browsers.js';
import { type Client, type ClientResult, clientResults, modelSideBySide, summary } from './lib/real-eval.js';
import { writeSite } from './lib/real-site.js';
import { missingPackages, pool, runTool, toolRuns, writeLists } from './lib/real-tools.js';

const TOKEN = 'bench-detection-real-token-0123456789-abcdef';
const VISITS_PER_BROWSER = 16;

/** Prefixes of real allocations: residential ISPs and hosting providers (checked against the loaded table). */
const RESIDENTIAL = ['73.162.', '90.45.', '79.210.', '82.66.', '86.140.', '24.5.'];
const HOSTING = ['3.210.', '104.131.', '88.198.', '51.68.', '45.32.', '35.185.', '20.33.'];

function address(network: 'hosting' | 'residential', n: number): string {
  const prefixes = network === 'hosting' ? HOSTING : RESIDENTIAL;
  return `${prefixes[n % prefixes.length]}${10 + Math.floor(n / prefixes.length)}.${((n * 37) % 250) + 2}`;
}

const echo = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function detector(port: number, path: string, method = 'GET'): Promise<Record<string, unknown>> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return (await r.json()) as Record<string, unknown>;
}

/** POST /run once the detector is idle, then waits for that cycle to end; returns its result. */
async function cycleNow(port: number): Promise<Record<string, unknown>> {
  for (let i = 0; i < 240; i++) {
    const status = await detector(port, '/status');
    if (!status.running) {
      const run = await detector(port, '/run', 'POST');
      if (run.state === 'started') {
        for (let j = 0; j < 600; j++) {
          await sleep(500);
          const s = await detector(port, '/status');
          const last = s.last_cycle as { cycle_id?: string } | null;
          if (!s.running && last?.cycle_id === run.cycle_id) return last as Record<string, unknown>;
        }
      }
    }
    await sleep(500);
  }
  throw new Error('the detector never ran the requested cycle');
}

async function generate(
  base: string,
  port: number,
  work: string,
): Promise<{ clients: Client[]; ran: unknown[] }> {
  const visits = (offset: number): Visit[] =>
    Array.from({ length: VISITS_PER_BROWSER }, (_, i) => ({
      ip: address('residential', 500 + offset + i),
      seed: `visit-${offset + i}`,
    }));
  const chrome = visits(0);
  const firefox = visits(100);
  const runs = toolRuns(base, port, work, writeLists(work), address);
  const createSession = await loadImpersonator();
  if (!createSession)
    echo('wreq-js is not installed: the Chrome impersonator is left out (npm install --no-save wreq-js)');
  const impersonators = createSession ? [address('residential', 900), address('hosting', 901)] : [];
  const t0 = Date.now();
  const [cPages, fPages, tools, iPages] = await Promise.all([
    chromiumVisits(base, chrome),
    firefoxVisits(base, firefox, await freePort()),
    pool(
      runs.map((r) => () => runTool(r)),
      3,
    ),
    Promise.all(
      impersonators.map((ip) => (createSession ? impersonatorVisit(createSession, base, ip, 40) : 0)),
    ),
  ]);
  echo(
    `traffic: ${cPages} Chromium and ${fPages} Firefox page views, ${runs.length} tool runs, ${iPages.join('+')} impersonated fetches in ${Math.round((Date.now() - t0) / 1000)} s`,
  );
  const clients: Client[] = [
    ...chrome.map((v) => ({ name: 'chromium', kind: 'browser' as const, network: 'residential', ip: v.ip })),
    ...firefox.map((v) => ({
      name: 'firefox-esr',
      kind: 'browser' as const,
      network: 'residential',
      ip: v.ip,
    })),
    ...runs.map((r) => ({
      name: r.name,
      kind: 'tool' as const,
      network: r.network,
      ip: r.ip,
      ua: r.network === 'loopback' ? new RegExp(r.tool, 'i') : undefined,
    })),
    ...impersonators.map((ip, i) => ({
      name: 'wreq-js (Chrome impersonation)',
      kind: 'tool' as const,
      network: i ? 'hosting' : 'residential',
      ip,
    })),
  ];
  return { clients, ran: runs.map((r, i) => ({ name: r.name, network: r.network, ip: r.ip, ...tools[i] })) };
}

function printTable(results: readonly ClientResult[]): void {
  for (const r of results) {
    echo(
      `  ${r.kind.padEnd(7)} ${r.name.padEnd(30)} ${r.network.padEnd(11)} AS${String(r.asn).padEnd(6)} ${r.asn_kind.padEnd(8)} ${r.ja4.padEnd(36)} ` +
        `${r.score.toFixed(3)} ${r.flagged ? 'FLAGGED' : 'ok     '} ${r.verdict}/${r.source} ${r.confidence}`,
    );
  }
}

async function main(): Promise<void> {
  const missing = apacheMissing(APACHE);
  if (missing) throw new Error(`Apache is needed: ${missing}`);
  const absent = missingPackages();
  if (absent.length > 0)
    echo(`not installed, their clients are left out: apt-get install ${absent.join(' ')}`);
  const work = mkdtempSync(join(tmpdir(), 'ja4-bench-real-'));
  chmodSync(work, 0o755);
  mkdirSync(join(work, 'var/run'), { recursive: true, mode: 0o755 });
  const ports = {
    dashboard: await freePort(),
    detector: await freePort(),
    correlator: await freePort(),
    sentinel: await freePort(),
  };
  const apache = await startApache({
    apache: APACHE,
    module: buildModule(MODULE_DIR),
    tls: true,
    // Debian's stock module set (mod_dir serves /products/ from its index.html, as a packaged Apache does).
    stock: true,
    conf: [
      `ReqinLogSocket ${work}/var/run/http.socket`,
      'RemoteIPHeader X-Forwarded-For',
      'RemoteIPInternalProxy 127.0.0.1',
    ].join('\n'),
  });
  writeSite(apache.docroot);
  const up = startAppliance(work, {
    JA4_CLICKHOUSE_URL: `embedded:${work}/var/clickhouse`,
    JA4_SOCKETS_HTTP: `${work}/var/run/http.socket`,
    JA4_SOCKETS_NETWORK: `${work}/var/run/network.socket`,
    JA4_SOCKETS_GROUP: process.getuid?.() === 0 ? 'nogroup' : '',
    JA4_SOCKETS_MODE: '0660',
    JA4_DASHBOARD_PORT: String(ports.dashboard),
    JA4_DASHBOARD_STATE_DIR: `${work}/var/dashboard`,
    JA4_DASHBOARD_ADMIN_PASSWORD: 'bench-detection-real-admin',
    JA4_DETECTOR_PORT: String(ports.detector),
    JA4_DETECTOR_API_TOKEN: TOKEN,
    JA4_DETECTOR_MODEL_DIR: `${work}/var/models`,
    JA4_DETECTOR_STATE_DIR: `${work}/var/detector`,
    JA4_CORRELATOR_METRICS_PORT: String(ports.correlator),
    JA4_CORRELATOR_SPOOL_DIR: `${work}/var/spool`,
    JA4_SENTINEL_IFACE: 'lo',
    JA4_SENTINEL_PORTS: String(apache.tlsPort),
    JA4_SENTINEL_METRICS_PORT: String(ports.sentinel),
    JA4_LOG_LEVEL: 'info',
    JA4_LOG_PRETTY: 'never',
  });
  const started = Date.now();
  try {
    await up.waitFor(/^ja4 up is running/, 300_000);
    echo(`ja4 up ready in ${Math.round((Date.now() - started) / 1000)} s (whole-internet IP to ASN loaded)`);
    const base = `https://localhost:${apache.tlsPort}`;
    const { clients, ran } = await generate(base, apache.tlsPort, work);
    await sleep(8_000); // the correlator's join grace and batch flush
    const cycle = await cycleNow(ports.detector);
    echo(`detector cycle: ${JSON.stringify(cycle)}`);
    await up.stop();
    const ch = await openClickHouse({
      ...defaultConfig().clickhouse,
      url: `embedded:${work}/var/clickhouse`,
    });
    try {
      const results = await clientResults(ch.client, clients);
      printTable(results);
      const s = summary(results);
      echo(`summary: ${JSON.stringify(s)}`);
      const now = new Date();
      const to = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
      const bots = new Set(clients.filter((c) => c.kind === 'tool').map((c) => c.ip));
      const side = await modelSideBySide(
        ch.client,
        defaultConfig().detector,
        bots,
        new Date(to.getTime() - 24 * 3_600_000),
        to,
      );
      echo(`model alone: ${JSON.stringify(side)}`);
      writeResult('detection-real', {
        benchmark: 'detection-real',
        date: now.toISOString(),
        machine: {
          cpu: cpus()[0]?.model,
          cores: cpus().length,
          node: process.version,
          load_average: loadavg(),
        },
        config: 'defaults (ja4 up --no-seed): no demo data, no per-run tuning',
        goals: { recall: 0.95, false_positive_rate: 0.02, auc: 0.99 },
        summary: s,
        model_alone: side,
        cycle,
        clients: results,
        tool_runs: ran,
      });
      echo('wrote bench/results/detection-real.json');
    } finally {
      await ch.close();
    }
  } finally {
    await up.stop();
    await apache.stop();
    if (!process.env.TEST_KEEP_TMP) rmSync(work, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) runMain('bench-detection-real', main);
