/**
 * Sends real HTTP(S) traffic to a running web server (a local Apache behind the sentinel) with
 * X-Forwarded-For set on every request: browsing humans from 91.121/16, 78.41/16 and 90/9,
 * scanners and brute-forcers from 185.220.100/22, 45.155/16 and 193.32/16, over several TLS
 * client profiles so the sentinel sees distinct JA4s (the demo data's scenarios, appliance/demo).
 *
 *   npm run traffic -- https://127.0.0.1:8443/ [--requests 500] [--concurrency 8] [--seed 42]
 *                      [--pace 1] [--insecure] [--ca FILE] [--json] [--i-own-this-host]
 *
 * Only loopback targets are allowed unless --i-own-this-host is given.
 */
import { readFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { chalk, echo, minimist } from 'zx';
import { isEntryPoint, numberOption, runMain } from './lib/cli.js';
import { ScriptOptionError } from './lib/errors.js';
import { checkTarget } from './lib/target-guard.js';
import { type RequestResult, runTraffic } from './lib/traffic-client.js';
import { planTraffic } from './lib/traffic-plan.js';

export const TRAFFIC_USAGE = `usage: npm run traffic -- URL [--requests 500] [--concurrency 8] [--seed 42] [--pace 1]
       [--insecure|-k] [--ca FILE] [--json] [--i-own-this-host] [--no-progress]
URL must be a loopback address unless --i-own-this-host is given.`;

export interface TrafficCliOptions {
  help: boolean;
  url: string;
  requests: number;
  concurrency: number;
  seed: string;
  pace: number;
  insecure: boolean;
  ca?: string;
  json: boolean;
  iOwnThisHost: boolean;
  progress: boolean;
}

const HELP_ONLY: TrafficCliOptions = {
  help: true,
  url: '',
  requests: 0,
  concurrency: 1,
  seed: '',
  pace: 0,
  insecure: false,
  json: false,
  iOwnThisHost: false,
  progress: false,
};

export function parseTrafficArgs(args: readonly string[]): TrafficCliOptions {
  const a = minimist([...args], {
    string: ['url', 'requests', 'concurrency', 'seed', 'pace', 'ca'],
    boolean: ['insecure', 'json', 'i-own-this-host', 'progress', 'help'],
    alias: { k: 'insecure', n: 'requests', c: 'concurrency' },
    default: { progress: true },
  });
  const url = a.url ?? a._[0];
  if (a.help) return { ...HELP_ONLY, help: true };
  if (!url)
    throw new ScriptOptionError('url', '', 'the server to send traffic to, e.g. https://127.0.0.1:8443/');
  return {
    help: false,
    url: String(url),
    requests: numberOption(a.requests, 'requests', 500, 1, 10_000_000),
    concurrency: numberOption(a.concurrency, 'concurrency', 8, 1, 1024),
    seed: a.seed === undefined ? '42' : String(a.seed),
    pace: numberOption(a.pace, 'pace', 1, 0, 100, false),
    insecure: Boolean(a.insecure),
    ca: a.ca ? String(a.ca) : undefined,
    json: Boolean(a.json),
    iOwnThisHost: Boolean(a['i-own-this-host']),
    progress: Boolean(a.progress),
  };
}

export interface TrafficSummary {
  sent: number;
  ok: number;
  failed: number;
  byScenario: Record<string, number>;
  byProfile: Record<string, number>;
  byStatus: Record<string, number>;
  byProtocol: Record<string, number>;
  elapsedMs: number;
}

export function summarise(results: readonly RequestResult[], elapsedMs: number): TrafficSummary {
  const count = (key: (r: RequestResult) => string) => {
    const out: Record<string, number> = {};
    for (const r of results) out[key(r)] = (out[key(r)] ?? 0) + 1;
    return out;
  };
  const failed = results.filter((r) => r.status === 0).length;
  return {
    sent: results.length,
    ok: results.length - failed,
    failed,
    byScenario: count((r) => r.scenario),
    byProfile: count((r) => r.profile),
    byStatus: count((r) => String(r.status)),
    byProtocol: count((r) => r.protocol),
    elapsedMs,
  };
}

export async function main(args = process.argv.slice(2)): Promise<TrafficSummary | undefined> {
  const o = parseTrafficArgs(args);
  if (o.help) {
    echo(TRAFFIC_USAGE);
    return undefined;
  }
  const target = await checkTarget(o.url, o.iOwnThisHost);
  const visits = planTraffic({ seed: o.seed, requests: o.requests });
  echo(
    `sending ${o.requests} requests in ${visits.length} visits to ${target.url.origin} (${target.addresses.join(', ')}), concurrency ${o.concurrency}`,
  );
  const results: RequestResult[] = [];
  const bar =
    o.progress && process.stderr.isTTY
      ? new SingleBar(
          { format: 'traffic [{bar}] {value}/{total} requests', stream: process.stderr },
          Presets.shades_classic,
        )
      : undefined;
  bar?.start(o.requests, 0);
  const started = Date.now();
  await runTraffic(visits, {
    url: target.url,
    concurrency: o.concurrency,
    pace: o.pace,
    insecure: o.insecure,
    ca: o.ca ? readFileSync(o.ca) : undefined,
    onResult: (r) => {
      results.push(r);
      bar?.increment();
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    },
  }).finally(() => bar?.stop());
  const s = summarise(results, Date.now() - started);
  const fmt = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  echo(
    chalk.bold(
      `sent ${s.sent} requests in ${(s.elapsedMs / 1000).toFixed(1)} s: ${s.ok} answered, ${s.failed} failed`,
    ),
  );
  echo(`  scenarios  ${fmt(s.byScenario)}`);
  echo(`  profiles   ${fmt(s.byProfile)}`);
  echo(`  protocols  ${fmt(s.byProtocol)}`);
  echo(`  statuses   ${fmt(s.byStatus)}`);
  const firstError = results.find((r) => r.error);
  if (firstError) echo(chalk.yellow(`  first error: ${firstError.error}`));
  return s;
}

if (isEntryPoint(import.meta.url)) {
  runMain('generate-traffic', async () => {
    const s = await main();
    if (s && s.ok === 0) process.exitCode = 1;
  });
}
