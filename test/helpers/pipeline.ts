/**
 * Steps of the end-to-end pipeline test that are not assertions: running the real traffic
 * generator, polling, reading Prometheus counters, and matching stored rows against the capture.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestResult } from '../../scripts/lib/traffic-client.js';
import { selfSignedCertificate } from './tls.js';
import type { TsharkHello } from './tshark-ja4.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (errors count as "not yet"). */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * One series from a Prometheus /metrics page on 127.0.0.1: the first line of `name` carrying every
 * label in `labels` (registries add their own, such as service); 0 when absent.
 */
export async function metric(
  port: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    const set = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.indexOf('}')) : '';
    if (wanted.every((w) => set.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

export interface TrafficRun {
  code: number | null;
  results: RequestResult[];
  /** Everything it printed (for failure messages). */
  out: string;
}

/** Runs scripts/generate-traffic.ts as a user does (`npm run traffic`), one JSON line per request. */
export function runTraffic(url: string, requests: number, seed: string): Promise<TrafficRun> {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  const args = ['scripts/generate-traffic.ts', url, '--requests', String(requests), '--seed', seed].concat([
    '--concurrency',
    '8',
    '--pace',
    '0',
    '--insecure',
    '--json',
    '--no-progress',
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const results = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as RequestResult);
      resolve({ code, results, out });
    });
  });
}

/** A self-signed RSA certificate (rsa-cert.pem, rsa-key.pem) in `dir`, for a second SSLCertificateFile. */
export function rsaCertificate(dir: string): void {
  selfSignedCertificate(dir, {
    name: 'tls.test',
    key: 'rsa',
    keyFile: 'rsa-key.pem',
    certFile: 'rsa-cert.pem',
  });
}

export interface LiveRow {
  client_ip: string;
  method: string;
  conn_port: number;
  ja4: string;
  ja3: string;
  /** Request time, µs since the epoch (a string: UInt64 in JSON). */
  ts_us: string;
}

export interface CorrelationCheck {
  /** Generated requests with a stored row of the same client and method whose JA4 is the capture's. */
  matched: number;
  /** Of those rows, how many also carry tshark's JA3. */
  ja3Agrees: number;
}

/**
 * Matches what was sent against what was stored. A stored row counts when its JA4 equals the JA4
 * of the ClientHello that opened its connection (same client port, the last hello before the
 * request); generated requests and such rows are then paired by client address and method.
 */
export function checkCorrelation(
  sent: readonly RequestResult[],
  stored: readonly LiveRow[],
  hellos: readonly TsharkHello[],
): CorrelationCheck {
  const byPort = new Map<number, TsharkHello[]>();
  for (const h of [...hellos].sort((a, b) => a.tsUs - b.tsUs)) {
    byPort.set(h.srcport, [...(byPort.get(h.srcport) ?? []), h]);
  }
  const good = new Map<string, number>();
  let ja3Agrees = 0;
  for (const r of stored) {
    const hello = helloFor(byPort.get(r.conn_port), Number(r.ts_us));
    if (!hello || r.ja4 === '' || r.ja4 !== hello.ja4) continue;
    if (r.ja3 === hello.ja3) ja3Agrees++;
    const key = `${r.client_ip} ${r.method}`;
    good.set(key, (good.get(key) ?? 0) + 1);
  }
  const wanted = new Map<string, number>();
  for (const r of sent) wanted.set(`${r.xff} ${r.method}`, (wanted.get(`${r.xff} ${r.method}`) ?? 0) + 1);
  let matched = 0;
  for (const [key, n] of wanted) matched += Math.min(n, good.get(key) ?? 0);
  return { matched, ja3Agrees };
}

/** The last hello from a port before the request (1 s of slack between the two clocks). */
function helloFor(list: TsharkHello[] | undefined, tsUs: number): TsharkHello | undefined {
  if (!list) return undefined;
  let found: TsharkHello | undefined;
  for (const h of list) if (h.tsUs <= tsUs + 1_000_000) found = h;
  return found ?? list[0];
}

/** What the pipeline test measured; every part optional, so a failed run still reports what it got. */
export interface PipelineReport {
  ja4_up?: string[];
  traffic?: { requests: number; answered: number; visits: number; profiles: number };
  correlator_rows_written?: number;
  shutdown?: { accepted: number; written_at_signal: number };
  detector_cycle?: { status: string; scored?: number; anomalies?: number; durations_ms?: { total: number } };
  correlation?: {
    generated: number;
    stored_live_rows: number;
    client_hellos_in_capture: number;
    matched_with_capture_ja4: number;
    ratio: number;
    ja3_agrees_with_tshark: number;
    distinct_live_ja4: number;
  };
  clickhouse?: { http_logs: number; agg_rows: number; agg_live_rows: number };
  features?: { rows: number; human_rows: number };
  known_bot_rows?: { by_ip: number; by_ja4: number };
  anomalies?: {
    /** Rows with a current score under the on-demand cycle's model. */
    scored_rows: number;
    /** Per label (seeded or live scenario): rows with a current score, and how many are flagged. */
    verdicts: Record<string, { rows: number; flagged: number }>;
    /** Seeded attackers' addresses ranked against the seeded visits' (ROC AUC). */
    auc_vs_seeded_human: { scanner: number; bruteforce: number };
    seeded_top50: Record<string, number>;
    top50: Record<string, number>;
    top5: string[];
    /** The anomalies page with known bots included, and as it opens (known bots left out). */
    dashboard_page: Record<string, number>;
    dashboard_default_page: Record<string, number>;
  };
  durations_ms?: Record<string, number>;
}

/** The few lines the test prints: rows, correlation ratio, anomalies, durations. */
export function formatReport(r: PipelineReport): string {
  const kv = (m: Record<string, number> = {}) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const c = r.correlation;
  const lines = [
    '── end-to-end pipeline report ──',
    `traffic      ${r.traffic ? `${r.traffic.requests} HTTPS requests (then a burst before SIGTERM) in ${r.traffic.visits} visits over ${r.traffic.profiles} TLS profiles, ${r.traffic.answered} answered` : 'not run'}`,
    `rows         ${r.clickhouse ? `http_logs ${r.clickhouse.http_logs} (${c?.stored_live_rows ?? '?'} live), agg_host_ip_ja4_1h ${r.clickhouse.agg_rows} (${r.clickhouse.agg_live_rows} live)` : 'not read'}` +
      `${r.features ? `, view_ai_features_1h ${r.features.rows} (${r.features.human_rows} human)` : ''}` +
      `${r.known_bot_rows ? `, known-bot rows ${r.known_bot_rows.by_ip} by IP / ${r.known_bot_rows.by_ja4} by JA4` : ''}`,
    `correlation  ${c ? `${c.matched_with_capture_ja4}/${c.generated} = ${(c.ratio * 100).toFixed(1)}% with the capture's JA4 (${c.client_hellos_in_capture} ClientHellos, ${c.distinct_live_ja4} JA4s, JA3 = tshark's on ${c.ja3_agrees_with_tshark})` : 'not checked'}`,
    `detector     ${r.detector_cycle ? `cycle ${r.detector_cycle.status}: ${r.detector_cycle.scored ?? 0} scored, ${r.detector_cycle.anomalies ?? 0} anomalies in ${r.detector_cycle.durations_ms?.total ?? '?'} ms` : 'no cycle'}`,
    `verdicts     ${
      r.anomalies
        ? Object.entries(r.anomalies.verdicts)
            .map(([l, v]) => `${l} ${v.flagged}/${v.rows}`)
            .join(', ')
        : '-'
    } (flagged/rows)`,
    `ranking      ${r.anomalies ? `AUC vs seeded visits ${kv(r.anomalies.auc_vs_seeded_human)}; seeded top 50 ${kv(r.anomalies.seeded_top50)}` : '-'}`,
    `top 50       ${r.anomalies ? kv(r.anomalies.top50) : '-'}`,
    `top 5        ${r.anomalies ? r.anomalies.top5.join(' | ') : '-'}`,
    `dashboard    ${r.anomalies ? `${kv(r.anomalies.dashboard_page)}; known bots left out: ${kv(r.anomalies.dashboard_default_page)}` : '-'}`,
    `shutdown     ${r.shutdown ? `SIGTERM with ${r.shutdown.accepted} requests accepted, ${r.shutdown.written_at_signal} written; ${c?.stored_live_rows ?? '?'} stored after exit` : '-'}`,
    `durations    ${kv(r.durations_ms)} (ms)`,
    'screenshots  test-output/screenshots/pipeline-*.png; full report test-output/e2e-pipeline.json',
  ];
  return lines.join('\n');
}
