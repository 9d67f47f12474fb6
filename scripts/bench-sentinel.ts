#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:sentinel`: sustained TLS handshakes/s on loopback that `ja4 sentinel` turns into
 * events with nothing lost. The sentinel runs as its own process (`ja4 sentinel`); this process
 * runs the TLS server (ECDSA P-256), the clients and a stand-in correlator socket. Each stage
 * raises client concurrency; a stage is loss-free when events == handshakes completed and
 * libpcap dropped nothing (ja4_sentinel_pcap_dropped_total, from the patched cap binding).
 * Needs cap (libpcap) and CAP_NET_RAW. Then the replay stage (lib/bench-sentinel-replay.ts): a
 * realistic capture mix replayed onto a veth pair at rising rates, the wide filter against the
 * fingerprinting filter with a TPACKET_V3 ring (root, tcpreplay). Writes bench/results/sentinel.json.
 *
 *   npm run bench:sentinel [-- --skip-handshakes] [--skip-replay]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { freePort, makeSelfSignedCertificate } from '../appliance/web-host/index.js';
import { load1m, REPO_ROOT, writeResult } from './lib/bench.js';
import { benchReplay, replayMissing } from './lib/bench-sentinel-replay.js';
import { isEntryPoint, runMain } from './lib/cli.js';

const LEVELS = [2, 8, 32, 64];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SentinelStage {
  concurrency: number;
  handshakes: number;
  events: number;
  handshakes_per_s: number;
  pcap_dropped: number | null;
  loss_free: boolean;
}

/** A TLS server on a loopback port that ends every connection once the handshake is done. */
async function startTlsServer(tmp: string): Promise<tls.Server> {
  const [keyFile, certFile] = [path.join(tmp, 'k.pem'), path.join(tmp, 'c.pem')];
  makeSelfSignedCertificate({ keyFile, certFile, name: 'bench', days: 1 });
  const server = tls.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (s) => {
    s.on('error', () => {});
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

/** The correlator's network socket, reduced to counting event lines. */
async function startCollector(sockPath: string): Promise<{ server: net.Server; events: () => number }> {
  let events = 0;
  const server = net.createServer((c) => {
    c.on('data', (d) => {
      for (const b of d) if (b === 10) events++;
    });
  });
  await new Promise<void>((r) => server.listen(sockPath, () => r()));
  return { server, events: () => events };
}

/** libpcap's drop counters from the sentinel's /metrics (null without the patched cap binding). */
async function pcapDrops(metricsPort: number): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const lines = text.split('\n').filter((l) => /^ja4_sentinel_pcap_(if)?dropped_total[ {]/.test(l));
  return lines.length === 0
    ? null
    : lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Starts `ja4 sentinel` on lo and waits until it has connected to the collector. */
async function startSentinel(port: number, sockPath: string, metricsPort: number, collector: net.Server) {
  const argv = ['sentinel', '--iface', 'lo', '--ports', String(port), '--socket', sockPath];
  argv.push('--metrics-port', String(metricsPort));
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ja4.js'), ...argv], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, JA4_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const t0 = Date.now();
  while (collector.listenerCount('connection') >= 0 && Date.now() - t0 < 20_000) {
    const n = await new Promise<number>((r) => collector.getConnections((_e, c) => r(c)));
    if (n > 0) break;
    if (child.exitCode !== null) throw new Error(`ja4 sentinel exited: ${stderr.trim()}`);
    await sleep(100);
  }
  await sleep(500);
  return child;
}

function handshake(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls.connect(
      { host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'bench.test' },
      () => {
        s.end();
        resolve(true);
      },
    );
    s.on('error', () => resolve(false));
    s.resume();
  });
}

/** `concurrency` clients handshaking for stageMs; then what the sentinel saw of them. */
async function runStage(
  concurrency: number,
  stageMs: number,
  port: number,
  events: () => number,
  drops: () => Promise<number | null>,
): Promise<SentinelStage> {
  const before = events();
  const dropsBefore = await drops();
  let done = 0;
  const end = Date.now() + stageMs;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) if (await handshake(port)) done++;
    }),
  );
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  await sleep(1500); // let the sentinel drain
  const got = events() - before;
  const dropsAfter = await drops();
  const pcapDropped = dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore;
  return {
    concurrency,
    handshakes: done,
    events: got,
    handshakes_per_s: Math.round(done / secs),
    pcap_dropped: pcapDropped,
    loss_free: got === done && (pcapDropped ?? 0) === 0,
  };
}

/** Runs every stage against one sentinel; the bench/results/sentinel.json shape. */
export async function benchSentinel(stageMs: number) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-bench-sentinel-'));
  const server = await startTlsServer(tmp);
  const port = (server.address() as net.AddressInfo).port;
  const sockPath = path.join(tmp, 'network.sock');
  const collector = await startCollector(sockPath);
  const metricsPort = await freePort();
  const child = await startSentinel(port, sockPath, metricsPort, collector.server);
  const stages: SentinelStage[] = [];
  try {
    for (const c of LEVELS) {
      const s = await runStage(c, stageMs, port, collector.events, () => pcapDrops(metricsPort));
      stages.push(s);
      process.stderr.write(
        `concurrency ${c}: ${s.handshakes_per_s} handshakes/s, ${s.events}/${s.handshakes} events, pcap drops ${s.pcap_dropped ?? 'n/a'}\n`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    server.close();
    collector.server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  const best = stages.filter((s) => s.loss_free).reduce((m, s) => Math.max(m, s.handshakes_per_s), 0);
  return {
    benchmark: 'sentinel',
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    stage_ms: stageMs,
    stages,
    sustained_loss_free_handshakes_per_s: best,
    note: 'clients, TLS server and the sentinel share this machine; the client side is usually the limit',
  };
}

/** The replay stage, or why it was skipped. */
async function replayStage(): Promise<unknown> {
  const missing = replayMissing();
  if (missing) {
    process.stderr.write(`skipping the replay stage: ${missing}\n`);
    return { skipped: missing };
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-bench-replay-'));
  try {
    return await benchReplay(tmp, 64);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const handshakes = args.has('--skip-handshakes')
    ? null
    : await benchSentinel(Number(process.env.BENCH_STAGE_MS ?? 5000));
  const replay = args.has('--skip-replay') ? null : await replayStage();
  const result = {
    ...(handshakes ?? { benchmark: 'sentinel', date: new Date().toISOString(), node: process.version }),
    load_1m: load1m(),
    replay,
  };
  writeResult('sentinel', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  // undici's keep-alive sockets behind fetch() would hold the event loop open for seconds more.
  process.exit(0);
}

if (isEntryPoint(import.meta.url)) runMain('bench-sentinel', main);
