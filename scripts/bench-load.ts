#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:load`: the whole pipeline under rising load, all on one machine. A real Apache with
 * mod_reqin_log, `ja4 sentinel`, the correlator and embedded ClickHouse (lib/load-stack.ts),
 * driven by wrk over TLS, with keep-alive and with a new connection (a new handshake) per
 * request, at rising concurrency. After each stage, once everything has settled, every counter is
 * added up (lib/load-counters.ts): requests Apache answered = rows stored + losses counted (by
 * the stage that lost them) + uncounted losses, which must be 0 at every rate. Reports the highest
 * rate with zero loss, and which stage gave first. Bounded: about 10 minutes at most.
 * Writes bench/results/load.json.
 *
 *   npm run bench:load [-- --seconds 15] [--levels 1,2,4,8,32,128]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cpuLabel, load1m, writeResult } from './lib/bench.js';
import { isEntryPoint, numberOption, runMain } from './lib/cli.js';
import { account, type Counters, delta, parseMetrics } from './lib/load-counters.js';
import { type LoadStack, startLoadStack } from './lib/load-stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);
const MODES = [
  { name: 'keep-alive', headers: [] as string[] },
  { name: 'new connection per request', headers: ['-H', 'Connection: close'] },
];

async function snapshot(stack: LoadStack): Promise<Counters> {
  const sentinel = await (await fetch(`http://127.0.0.1:${stack.sentinelMetricsPort}/metrics`)).text();
  return { ...parseMetrics(await stack.correlator.registry.metrics()), ...parseMetrics(sentinel) };
}

/**
 * wrk over TLS for `seconds`; its requests/s and the errors it saw. Asynchronous: the correlator
 * runs in this process and must keep reading meanwhile.
 */
async function wrk(url: string, connections: number, seconds: number, headers: string[]) {
  const { stdout: out } = await run(
    'wrk',
    [
      `-t${Math.min(2, connections)}`,
      `-c${connections}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      ...headers,
      url,
    ],
    { encoding: 'utf8' },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? 'none';
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { requests_per_s: Math.round(rps), socket_errors: errors, non_2xx: non2xx };
}

/**
 * Waits until the pipeline is quiet: the module has counted every answered request, every line
 * it sent was read, and the stored rows stop changing (the join's grace included). At most 60 s.
 */
async function settle(stack: LoadStack, before: Counters, answeredBefore: number) {
  let last = -1;
  let quiet = 0;
  for (let i = 0; i < 120; i++) {
    await sleep(500);
    const answered = stack.answered() - answeredBefore;
    const a = account(answered, delta(await snapshot(stack), before));
    const rows = a.correlator.rows_written;
    const done = a.module.built === answered && stack.correlator.status().pending === 0;
    quiet = done && rows === last ? quiet + 1 : 0;
    last = rows;
    if (quiet >= 4) return true;
  }
  return false;
}

async function stage(stack: LoadStack, mode: (typeof MODES)[number], connections: number, seconds: number) {
  const before = await snapshot(stack);
  const answeredBefore = stack.answered();
  const url = `https://127.0.0.1:${stack.apache.tlsPort}/index.html`;
  const w = await wrk(url, connections, seconds, mode.headers);
  const settled = await settle(stack, before, answeredBefore);
  const answered = stack.answered() - answeredBefore;
  const a = account(answered, delta(await snapshot(stack), before));
  return { mode: mode.name, connections, seconds, ...w, settled, ...a };
}

export async function benchLoad(seconds: number, levels: number[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-bench-load-'));
  const stack = await startLoadStack(dir);
  const stages: Awaited<ReturnType<typeof stage>>[] = [];
  const t0 = Date.now();
  try {
    await stage(stack, MODES[0], 2, 2); // warm-up: JIT, first connections, first inserts
    for (const mode of MODES) {
      for (const c of levels) {
        if (Date.now() - t0 > 8 * 60_000) break; // the bound: 10 minutes in all
        const s = await stage(stack, mode, c, seconds);
        stages.push(s);
        process.stderr.write(
          `${mode.name}, ${c} connections: ${s.requests_per_s} req/s, answered ${s.answered}, stored ${s.correlator.rows_written}, counted loss ${s.counted_loss}, uncounted ${s.uncounted_loss}, pcap dropped ${s.sentinel.pcap_dropped}, unjoined ${s.correlator.unjoined}${s.gave_first ? ` (first: ${s.gave_first})` : ''}\n`,
        );
      }
    }
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = MODES.map((m) => {
    const mine = stages.filter((s) => s.mode === m.name);
    const clean = mine.filter((s) => s.lost === 0 && s.uncounted_loss === 0 && s.correlator.unjoined === 0);
    return {
      mode: m.name,
      highest_zero_loss_requests_per_s: clean.length ? Math.max(...clean.map((s) => s.requests_per_s)) : 0,
      uncounted_loss_at_every_rate: mine.every((s) => s.uncounted_loss === 0),
      first_to_give: mine.find((s) => s.gave_first)?.gave_first ?? null,
    };
  });
  return {
    benchmark: 'load',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuLabel(),
    load_1m: load1m(),
    stage_seconds: seconds,
    note: 'Apache, wrk, the sentinel and the correlator with embedded ClickHouse share this 2-core machine',
    summary,
    stages,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seconds = numberOption(opt('seconds'), 'seconds', 15, 2, 60);
  const levels = (opt('levels') ?? '1,2,4,8,32,128')
    .split(',')
    .map((v) => numberOption(v, 'levels', 8, 1, 1000));
  const result = await benchLoad(seconds, levels);
  writeResult('load', result);
  process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  process.exit(0);
}

if (isEntryPoint(import.meta.url)) runMain('bench-load', main);
