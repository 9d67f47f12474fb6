/**
 * bench:sentinel's replay stage: a realistic HTTPS mix (replay-mix.ts: many short TLS connections
 * and bulk downloads, most packets server data and ACKs) replayed by tcpreplay onto a veth pair in
 * a network namespace the bench creates and removes, at rising packet rates, captured by the
 * sentinel's live path (replay-capture.ts) pinned to one CPU. Side by side in one run: the wide
 * filter with immediate mode (one packet at a time, TPACKET_V2) against the fingerprinting filter
 * with a TPACKET_V3 ring. Per rate: packets offered, captured, dropped by libpcap's ring and by
 * the interface, ClientHellos fingerprinted against those in the mix, CPU per packet.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { promisify } from 'node:util';
import { REPO_ROOT } from './bench.js';
import type { CaptureStats } from './replay-capture.js';
import { buildReplayMix, type Mix } from './replay-mix.js';

const PORT = 443;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);

export const REPLAY_RATES = [10_000, 25_000, 50_000, 100_000, 200_000, 400_000, 0]; // 0: tcpreplay's top speed
export const REPLAY_VARIANTS = [
  { name: 'wide filter, immediate mode', mode: 'wide', blockMs: 0 },
  { name: 'fingerprint filter, immediate mode', mode: 'fingerprint', blockMs: 0 },
  { name: 'fingerprint filter, TPACKET_V3', mode: 'fingerprint', blockMs: 20 },
] as const;

export interface ReplayStage {
  target_pps: number | 'top speed';
  offered_pps: number;
  offered: number;
  captured: number;
  pcap_dropped: number;
  if_dropped: number;
  handshakes: number;
  fingerprinted: number;
  events: number;
  cpu_us_per_offered_packet: number;
  cpu_us_per_captured_packet: number;
  loss_free: boolean;
}

/** Why the replay stage cannot run here, or null. */
export function replayMissing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, raw capture)';
  for (const [cmd, arg] of [
    ['ip', '-V'],
    ['tcpreplay', '-V'],
    ['taskset', '-V'],
  ]) {
    try {
      execFileSync(cmd, [arg], { stdio: 'ignore' });
    } catch {
      return `${cmd} is not installed (Debian: apt-get install ${cmd === 'ip' ? 'iproute2' : cmd === 'taskset' ? 'util-linux' : cmd})`;
    }
  }
  return null;
}

/** A network namespace with a veth pair va <-> vb, both up; removed by the returned function. */
function makeNamespace(): { ns: string; remove: () => void } {
  const ns = `ja4replay${process.pid}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  ip('netns', 'add', ns);
  try {
    ip('-n', ns, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ip('-n', ns, 'link', 'set', 'va', 'up');
    ip('-n', ns, 'link', 'set', 'vb', 'up');
  } catch (err) {
    ip('netns', 'delete', ns);
    throw err;
  }
  return { ns, remove: () => ip('netns', 'delete', ns) };
}

/** Counts the sentinel's event lines. */
async function collector(sock: string): Promise<{ server: net.Server; events: () => number }> {
  let events = 0;
  const server = net.createServer((c) => {
    c.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) events++;
    });
    c.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(sock, () => r()));
  return { server, events: () => events };
}

class Capture {
  private readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly waiting: { resolve: (s: CaptureStats) => void; reject: (e: Error) => void }[] = [];

  constructor(ns: string, mode: string, blockMs: number, bufferMb: number, sock: string) {
    const script = path.join(REPO_ROOT, 'scripts/lib/replay-capture.ts');
    const args = [script, 'vb', String(PORT), mode, String(blockMs), String(bufferMb), sock];
    this.child = spawn(
      'ip',
      ['netns', 'exec', ns, 'taskset', '-c', '1', process.execPath, '--import', 'tsx', ...args],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on('line', (l) => this.waiting.shift()?.resolve(JSON.parse(l) as CaptureStats));
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`replay-capture exited (${code})`));
    });
  }

  next(): Promise<CaptureStats> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  stats(): Promise<CaptureStats> {
    const p = this.next();
    this.child.stdin!.write('stats\n');
    return p;
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill('SIGTERM');
  }
}

/**
 * tcpreplay on CPU 0 at `pps` (0: top speed); returns the packets/s it reports. Asynchronous: the
 * collector in this process keeps reading the sentinel's events meanwhile.
 */
async function replay(ns: string, file: string, pps: number): Promise<number> {
  const rate = pps > 0 ? [`--pps=${pps}`] : ['--topspeed'];
  const { stdout: out } = await run(
    'ip',
    ['netns', 'exec', ns, 'taskset', '-c', '0', 'tcpreplay', '-q', '-i', 'va', ...rate, file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const m = /Rated:.*?([\d.]+) pps/.exec(out);
  return m ? Math.round(Number(m[1])) : 0;
}

async function stage(ns: string, file: string, mix: Mix, pps: number, cap: Capture, events: () => number) {
  const [s0, e0] = [await cap.stats(), events()];
  const offeredPps = await replay(ns, file, pps);
  // Until the capture has caught up (a drowning one works through its ring for seconds), and
  // pcap_stats' 1 s poll has run since.
  let s1 = await cap.stats();
  for (let i = 0; i < 40; i++) {
    await sleep(750);
    const now = await cap.stats();
    const still = now.packets === s1.packets;
    s1 = now;
    if (still && i >= 1) break;
  }
  const e1 = events();
  const captured = s1.packets - s0.packets;
  const pcapDropped = (s1.pcap?.dropped ?? 0) - (s0.pcap?.dropped ?? 0);
  const ifDropped = (s1.pcap?.ifdropped ?? 0) - (s0.pcap?.ifdropped ?? 0);
  const fingerprinted = s1.hellos - s0.hellos;
  const cpu = s1.cpu_us - s0.cpu_us;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    target_pps: pps > 0 ? pps : 'top speed',
    offered_pps: offeredPps,
    offered: mix.packets,
    captured,
    pcap_dropped: pcapDropped,
    if_dropped: ifDropped,
    handshakes: mix.handshakes,
    fingerprinted,
    events: e1 - e0,
    cpu_us_per_offered_packet: r(cpu / mix.packets),
    cpu_us_per_captured_packet: r(cpu / Math.max(1, captured)),
    loss_free:
      pcapDropped + ifDropped === 0 && fingerprinted === mix.handshakes && e1 - e0 === mix.handshakes,
  } satisfies ReplayStage;
}

/** Every variant at every rate, one namespace for the whole run; the result's `replay` part. */
export async function benchReplay(tmp: string, bufferMb: number) {
  const file = path.join(tmp, 'mix.pcap');
  const mix = await buildReplayMix(file, {
    shortConnections: 1000,
    downloads: 20,
    downloadBytes: 4 * 1024 * 1024,
    serverPort: PORT,
  });
  const sock = path.join(tmp, 'replay.sock');
  const col = await collector(sock);
  const { ns, remove } = makeNamespace();
  const variants = [];
  try {
    for (const v of REPLAY_VARIANTS) {
      const cap = new Capture(ns, v.mode, v.blockMs, bufferMb, sock);
      const ready = await cap.next();
      const stages: ReplayStage[] = [];
      try {
        for (const pps of REPLAY_RATES) {
          const s = await stage(ns, file, mix, pps, cap, col.events);
          stages.push(s);
          process.stderr.write(
            `replay ${v.name} @ ${s.offered_pps} pps: captured ${s.captured}, dropped ${s.pcap_dropped}+${s.if_dropped}, fingerprinted ${s.fingerprinted}/${s.handshakes}, ${s.cpu_us_per_offered_packet} µs CPU per offered packet\n`,
          );
        }
      } finally {
        cap.stop();
      }
      const clean = stages.filter((s) => s.loss_free).map((s) => s.offered_pps);
      const first = stages.find((s) => !s.loss_free);
      variants.push({
        variant: v.name,
        ring: ready.ring,
        highest_loss_free_pps: clean.length ? Math.max(...clean) : 0,
        first_loss_at_pps: first?.offered_pps ?? null,
        stages,
      });
    }
  } finally {
    remove();
    col.server.close();
  }
  return { mix: { ...mix, server_port: PORT }, buffer_mb: bufferMb, sentinel_cpu: 1, variants };
}
