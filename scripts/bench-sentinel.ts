#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:sentinel`: sustained TLS handshakes/s on loopback that `ja4 sentinel` turns into
 * events with nothing lost. The sentinel runs as its own process (`ja4 sentinel`); this process
 * runs the TLS server (ECDSA P-256), the clients and a stand-in correlator socket. Each stage
 * raises client concurrency; a stage is loss-free when events == handshakes completed and
 * libpcap dropped nothing (ja4_sentinel_pcap_dropped_total, from the patched cap binding).
 * Needs cap (libpcap) and CAP_NET_RAW. Writes bench/results/sentinel.json.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-bench-sentinel-'));
const STAGE_MS = Number(process.env.BENCH_STAGE_MS ?? 5000);
const LEVELS = [2, 8, 32, 64];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${tmp}/k.pem`,
    '-out',
    `${tmp}/c.pem`,
    '-days',
    '1',
    '-subj',
    '/CN=bench',
  ],
  { stdio: 'ignore' },
);
const server = tls.createServer(
  { key: readFileSync(`${tmp}/k.pem`), cert: readFileSync(`${tmp}/c.pem`) },
  (s) => {
    s.on('error', () => {});
    s.end();
  },
);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as net.AddressInfo).port;

let events = 0;
const sockPath = path.join(tmp, 'network.sock');
const collector = net.createServer((c) => {
  c.on('data', (d) => {
    for (const b of d) if (b === 10) events++;
  });
});
await new Promise<void>((r) => collector.listen(sockPath, () => r()));

const metricsPort = await new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (probe.address() as net.AddressInfo).port;
    probe.close(() => resolve(p));
  });
});
/** libpcap's drop counters from the sentinel's /metrics (null without the patched cap binding). */
async function pcapDrops(): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const lines = text.split('\n').filter((l) => /^ja4_sentinel_pcap_(if)?dropped_total[ {]/.test(l));
  return lines.length === 0
    ? null
    : lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const child: ChildProcess = spawn(
  process.execPath,
  [
    path.join(root, 'bin/ja4.js'),
    'sentinel',
    '--iface',
    'lo',
    '--ports',
    String(port),
    '--socket',
    sockPath,
    '--metrics-port',
    String(metricsPort),
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, JA4_LOG_LEVEL: 'warn' } },
);
let stderr = '';
child.stderr?.on('data', (d) => {
  stderr += d;
});
// Ready when the sentinel has connected to our socket.
const t0 = Date.now();
while (collector.listenerCount('connection') >= 0 && Date.now() - t0 < 20_000) {
  const n = await new Promise<number>((r) => collector.getConnections((_e, c) => r(c)));
  if (n > 0) break;
  if (child.exitCode !== null) throw new Error(`ja4 sentinel exited: ${stderr.trim()}`);
  await sleep(100);
}
await sleep(500);

function handshake(): Promise<boolean> {
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

const stages: {
  concurrency: number;
  handshakes: number;
  events: number;
  handshakes_per_s: number;
  pcap_dropped: number | null;
  loss_free: boolean;
}[] = [];
for (const c of LEVELS) {
  const before = events;
  const dropsBefore = await pcapDrops();
  let done = 0;
  const end = Date.now() + STAGE_MS;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (Date.now() < end) if (await handshake()) done++;
    }),
  );
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  await sleep(1500); // let the sentinel drain
  const got = events - before;
  const dropsAfter = await pcapDrops();
  const pcapDropped = dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore;
  stages.push({
    concurrency: c,
    handshakes: done,
    events: got,
    handshakes_per_s: Math.round(done / secs),
    pcap_dropped: pcapDropped,
    loss_free: got === done && (pcapDropped ?? 0) === 0,
  });
  process.stderr.write(
    `concurrency ${c}: ${Math.round(done / secs)} handshakes/s, ${got}/${done} events, pcap drops ${pcapDropped ?? 'n/a'}\n`,
  );
}
child.kill('SIGTERM');
server.close();
collector.close();
rmSync(tmp, { recursive: true, force: true });

const best = stages.filter((s) => s.loss_free).reduce((m, s) => Math.max(m, s.handshakes_per_s), 0);
const result = {
  benchmark: 'sentinel',
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  stage_ms: STAGE_MS,
  stages,
  sustained_loss_free_handshakes_per_s: best,
  note: 'clients, TLS server and the sentinel share this machine; the client side is usually the limit',
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/sentinel.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
