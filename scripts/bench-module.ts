/**
 * `npm run bench:module`: the cost of mod_reqin_log in requests/s. Two Apaches (event MPM) serve
 * the same static file side by side, one with the module logging every request to a socket this
 * script drains, one stock. wrk runs short rounds against each in ABBA order, so drift and noise
 * from the shared machine hit both; the result is the median of the per-round on/off ratios.
 * httpd is pinned to CPU 0 and wrk plus the reader (every thread of this process) to CPU 1 when the
 * machine has two or more.
 *
 * Then as many rounds side by side: both servers loaded at once (one wrk each), so the noise of
 * each moment hits both; their ratios of requests/s and of CPU time per request.
 *
 * Then, unless --skip-profile, the module's own work in CPU cycles per request, from a `make profile`
 * build under the same load (scripts/lib/module-profile.ts): low-noise, but blind to what that work
 * costs httpd's code after it.
 *
 * Then, unless --skip-callgrind, the deterministic measure: instructions per request under callgrind
 * (scripts/lib/callgrind-httpd.ts), for wrk-like and browser-like requests; --baseline-so FILE also
 * measures another build of the module (e.g. the previous version) for a before/after.
 *
 * Flags: --rounds N (40)  --seconds S (2)  --connections C (32)  --out FILE (bench/results/module.json)
 *        --skip-profile  --skip-callgrind  --baseline-so FILE
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import {
  type ApacheOptions,
  type ApacheServer,
  apacheMissing,
  buildModule,
  fetchModuleStatus,
  parseModuleCounters,
  startApache as startWebHost,
} from '../appliance/web-host/index.js';
import { APACHE, MODULE_DIR } from './lib/apache-host.js';
import { median } from './lib/bench.js';
import { type CallgrindCost, callgrindCost, hasValgrind } from './lib/callgrind-httpd.js';
import { isEntryPoint, runMain } from './lib/cli.js';
import { BenchPrerequisiteError, ScriptOptionError } from './lib/errors.js';
import { type ModuleProfile, parseProfileStatus, profileBetween } from './lib/module-profile.js';

export interface BenchOptions {
  rounds: number;
  seconds: number;
  connections: number;
  out: string;
  callgrind: boolean;
  profile: boolean;
  baselineSo?: string;
}

export interface BenchResult {
  date: string;
  apache: string;
  mpm: 'event';
  cpus: number;
  pinned: boolean;
  rounds: number;
  seconds_per_run: number;
  connections: number;
  on_rps: number[];
  off_rps: number[];
  ratios: number[];
  median_ratio: number;
  overhead_pct: number;
  /** httpd CPU time per request (µs), module on and off, per round. */
  cpu_us_per_req_on: number[];
  cpu_us_per_req_off: number[];
  median_cpu_ratio: number;
  events_sent: number;
  events_dropped: number;
  lines_received: number;
  /**
   * The same two servers loaded at the same time (one wrk each, both servers sharing CPU 0): every
   * moment's noise hits both, so the per-round ratios are far tighter than in ABBA rounds.
   */
  side_by_side?: {
    rounds: number;
    ratios: number[];
    median_ratio: number;
    cpu_ratios: number[];
    median_cpu_ratio: number;
  };
  /**
   * The profile build's cycles per request (module-profile.ts) under one wrk run, with httpd's CPU
   * time per request in that run and the module's share of it.
   */
  profile?: ModuleProfile & { rps: number; cpu_us_per_req: number; share_of_cpu_pct: number };
  /** Instructions per request (callgrind), module off and on; absent without valgrind. */
  callgrind?: CallgrindCost[];
  /** The same for --baseline-so (another build of the module). */
  callgrind_baseline?: { so: string; costs: CallgrindCost[] };
}

/** Parses wrk's "Requests/sec:" and "N requests in" lines. */
export function parseWrk(out: string): { rps: number; requests: number } {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const total = /^\s*(\d+) requests in/m.exec(out);
  if (!rps || !total) throw new Error(`wrk printed no Requests/sec: ${out.slice(0, 300)}`);
  return { rps: Number(rps[1]), requests: Number(total[1]) };
}

/**
 * CPU seconds (user + system) used so far by httpd's parent and its live children. Per request,
 * this is far less sensitive than requests/s to other load on a shared machine.
 */
export function httpdCpuSeconds(parent: number): number {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) }; // utime, stime
  };
  let total = 0;
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const t = ticks(readFileSync(`/proc/${p}/stat`, 'utf8'));
      if (Number(p) === parent || t.ppid === parent) total += t.cpu;
    } catch {
      // the process ended while we looked
    }
  }
  return total / 100; // USER_HZ is 100 on Linux
}

/** A reader that only counts lines: the benchmark measures the module, not a parser. */
async function countingSink(file: string): Promise<{ count: () => number; close: () => Promise<void> }> {
  let lines = 0;
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(file, resolve));
  chmodSync(file, 0o777);
  return {
    count: () => lines,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const startApache = (o: ApacheOptions) => startWebHost({ apache: APACHE, ...o });

export async function benchModule(o: BenchOptions, log: (line: string) => void): Promise<BenchResult> {
  const missing = apacheMissing(APACHE);
  if (missing) throw new BenchPrerequisiteError(missing);
  await $({ quiet: true })`wrk --version`.nothrow().then((r) => {
    if (!/wrk/.test(r.stdout + r.stderr))
      throw new BenchPrerequisiteError('wrk not found (scripts/setup-system.sh installs it)');
  });
  const cpus = os.availableParallelism();
  const pinned = cpus >= 2;
  // The reader runs here, with all of this process's threads (-a): V8's GC and compiler helpers
  // and libuv's pool are started before this line, and a plain `taskset -p` pins only the main
  // thread, which left them free to run on httpd's CPU, where their work (more of it while the
  // module sends) was billed to the module's requests/s.
  if (pinned) await $({ quiet: true })`taskset -a -p -c 1 ${process.pid}`;
  const client = pinned ? ['taskset', '-c', '1'] : [];

  log('building mod_reqin_log');
  const module = buildModule(MODULE_DIR, 'release');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-bench-'));
  chmodSync(dir, 0o755);
  const sink = await countingSink(path.join(dir, 'http.socket'));
  // Fixed children (no spare-thread reaping), so the CPU accounting sees every process.
  const mpmConf =
    'StartServers 2\nServerLimit 2\nThreadsPerChild 64\nMaxRequestWorkers 128\nMinSpareThreads 1\nMaxSpareThreads 128';
  const common = { mpm: 'event' as const, mpmConf, stock: true, cpus: pinned ? '0' : undefined };
  const servers: ApacheServer[] = [];
  try {
    log('starting two Apaches (module on, module off)');
    // Both have the status page's <Location>, read once at the end: the section costs every request a
    // location walk (a fraction of a µs), which is the benchmark's configuration, not the module's cost.
    const status = '<Location /reqin-status>\nSetHandler reqin-log-status\n</Location>';
    const on = await startApache({ ...common, module, conf: `ReqinLogSocket ${dir}/http.socket\n${status}` });
    servers.push(on);
    const off = await startApache({ ...common, conf: status });
    servers.push(off);
    const wrk = async (s: ApacheServer, seconds: number) => {
      const cpu0 = httpdCpuSeconds(s.pid);
      const url = `http://127.0.0.1:${s.port}/index.html`;
      const out = await $({ quiet: true })`${client} wrk -t1 -c${o.connections} -d${seconds}s ${url}`;
      const r = parseWrk(out.stdout);
      return { rps: r.rps, cpuUs: ((httpdCpuSeconds(s.pid) - cpu0) * 1e6) / r.requests };
    };
    log('warming up');
    await wrk(on, 2);
    await wrk(off, 2);
    const runs = { on: [] as { rps: number; cpuUs: number }[], off: [] as { rps: number; cpuUs: number }[] };
    for (let i = 0; i < o.rounds; i++) {
      // ABBA: alternate which runs first so slow drifts cancel out.
      const order = i % 2 === 0 ? [on, off] : [off, on];
      for (const s of order) runs[s === on ? 'on' : 'off'].push(await wrk(s, o.seconds));
      const [a, b] = [runs.on[i], runs.off[i]];
      log(
        `round ${i + 1}/${o.rounds}: on ${a.rps.toFixed(0)} req/s ${a.cpuUs.toFixed(1)} µs CPU/req, ` +
          `off ${b.rps.toFixed(0)} req/s ${b.cpuUs.toFixed(1)} µs CPU/req`,
      );
    }
    // Side by side: both servers under load at once, so drifts and bursts of other load on the
    // machine hit both in the same seconds; the ratio of their CPU time per request is then the
    // module's cost with the noise shared rather than averaged out.
    const sbs = { ratios: [] as number[], cpu: [] as number[] };
    for (let i = 0; i < o.rounds; i++) {
      const [a, b] = await Promise.all([wrk(on, o.seconds), wrk(off, o.seconds)]);
      sbs.ratios.push(a.rps / b.rps);
      sbs.cpu.push(a.cpuUs / b.cpuUs);
      log(
        `side by side ${i + 1}/${o.rounds}: on ${a.rps.toFixed(0)} req/s ${a.cpuUs.toFixed(1)} µs CPU/req, ` +
          `off ${b.rps.toFixed(0)} req/s ${b.cpuUs.toFixed(1)} µs CPU/req`,
      );
    }
    const onRps = runs.on.map((r) => r.rps);
    const offRps = runs.off.map((r) => r.rps);
    const c = parseModuleCounters(await fetchModuleStatus(on.port));
    await new Promise((r) => setTimeout(r, 500)); // let the reader drain
    const ratios = onRps.map((v, i) => v / offRps[i]);
    const medianRatio = median(ratios);
    let profile: BenchResult['profile'];
    if (o.profile) {
      log("profile build: cycles of the module's own work per request");
      const prof = await startApache({
        ...common,
        module: buildModule(MODULE_DIR, 'profile'),
        conf: `ReqinLogSocket ${dir}/http.socket\n${status}`,
      });
      servers.push(prof);
      await wrk(prof, 2);
      const before = parseProfileStatus(await fetchModuleStatus(prof.port));
      const run = await wrk(prof, Math.max(5, o.seconds * 3));
      await new Promise((r) => setTimeout(r, 300)); // the flusher's last window
      const p = profileBetween(before, parseProfileStatus(await fetchModuleStatus(prof.port)));
      profile = {
        ...p,
        rps: Math.round(run.rps),
        cpu_us_per_req: Number(run.cpuUs.toFixed(2)),
        share_of_cpu_pct: Number(((p.total_us / run.cpuUs) * 100).toFixed(2)),
      };
    }
    let callgrind: CallgrindCost[] | undefined;
    let baseline: BenchResult['callgrind_baseline'];
    if (o.callgrind && hasValgrind()) {
      const costs = async (so: string) => {
        const out: CallgrindCost[] = [];
        for (const h of ['minimal', 'browser'] as const) {
          log(`callgrind: ${path.basename(path.dirname(so))}/${path.basename(so)}, ${h} requests`);
          out.push(await callgrindCost(so, h));
        }
        return out;
      };
      callgrind = await costs(module);
      if (o.baselineSo) baseline = { so: o.baselineSo, costs: await costs(o.baselineSo) };
    } else if (o.callgrind) log('valgrind not found: no instruction counts');
    const version = (await $({ quiet: true })`${APACHE.httpd} -v`).stdout
      .split('\n')[0]
      .replace('Server version: ', '');
    return {
      date: new Date().toISOString(),
      apache: version,
      mpm: 'event',
      cpus,
      pinned,
      rounds: o.rounds,
      seconds_per_run: o.seconds,
      connections: o.connections,
      on_rps: onRps.map(Math.round),
      off_rps: offRps.map(Math.round),
      ratios: ratios.map((r) => Number(r.toFixed(4))),
      median_ratio: Number(medianRatio.toFixed(4)),
      overhead_pct: Number(((1 - medianRatio) * 100).toFixed(2)),
      cpu_us_per_req_on: runs.on.map((r) => Number(r.cpuUs.toFixed(2))),
      cpu_us_per_req_off: runs.off.map((r) => Number(r.cpuUs.toFixed(2))),
      median_cpu_ratio: Number(median(runs.on.map((r, i) => r.cpuUs / runs.off[i].cpuUs)).toFixed(4)),
      side_by_side: {
        rounds: o.rounds,
        ratios: sbs.ratios.map((r) => Number(r.toFixed(4))),
        median_ratio: Number(median(sbs.ratios).toFixed(4)),
        cpu_ratios: sbs.cpu.map((r) => Number(r.toFixed(4))),
        median_cpu_ratio: Number(median(sbs.cpu).toFixed(4)),
      },
      events_sent: c.EventsSent ?? 0,
      events_dropped: c.EventsDropped ?? 0,
      lines_received: sink.count(),
      ...(profile ? { profile } : {}),
      ...(callgrind ? { callgrind } : {}),
      ...(baseline ? { callgrind_baseline: baseline } : {}),
    };
  } finally {
    for (const s of servers) await s.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '40' },
      seconds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '32' },
      out: { type: 'string', default: path.join(root, 'bench/results/module.json') },
      'skip-callgrind': { type: 'boolean', default: false },
      'skip-profile': { type: 'boolean', default: false },
      'baseline-so': { type: 'string' },
    },
  });
  const o: BenchOptions = {
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    out: path.resolve(values.out),
    callgrind: !values['skip-callgrind'],
    profile: !values['skip-profile'],
    baselineSo: values['baseline-so'] ? path.resolve(values['baseline-so']) : undefined,
  };
  for (const k of ['rounds', 'seconds', 'connections'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new ScriptOptionError(k, values[k], 'a positive integer');
  }
  const result = await benchModule(o, (line) => console.log(`bench:module: ${line}`));
  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `bench:module: median on/off ratio ${result.median_ratio} (overhead ${result.overhead_pct}%), ` +
      `CPU per request ratio ${result.median_cpu_ratio}, ` +
      `events sent ${result.events_sent}, dropped ${result.events_dropped}; wrote ${o.out}`,
  );
  if (result.side_by_side)
    console.log(
      `bench:module: side by side (both loaded at once): median on/off requests/s ratio ${result.side_by_side.median_ratio}, ` +
        `CPU per request ratio ${result.side_by_side.median_cpu_ratio}`,
    );
  if (result.profile) {
    const p = result.profile;
    console.log(
      `bench:module: profile build: ${p.total_cycles} cycles (${p.total_us} µs) of the module's own work per request ` +
        `(post_read_request ${p.post_read_request}, log_transaction ${p.log_transaction} of which building the line ` +
        `${p.format} and queueing it ${p.queue}, flusher ${p.flush_per_event}): ${p.share_of_cpu_pct}% of httpd's ` +
        `${p.cpu_us_per_req} µs CPU per request`,
    );
  }
  for (const c of result.callgrind ?? [])
    console.log(
      `bench:module: callgrind (${c.headers} requests): ${c.off} instructions per request without the module, ` +
        `${c.on} with it: +${c.module} (+${c.module_pct}%)`,
    );
}

if (isEntryPoint(import.meta.url)) runMain('bench-module', main);
