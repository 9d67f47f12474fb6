/**
 * A crash loses nothing the correlator accepted. A child process (crash-child.ts: the correlator
 * on embedded chDB) is fed requests at a steady rate over its real sockets — plain ones, ones
 * after their handshake, ones before it (they wait in the join), ones whose handshake never comes
 * — and is killed at a random moment, several rounds in a row, each restart replaying the log
 * of the last. At the end every request the correlator read is stored exactly once.
 *
 * What "read" means here, precisely. A line the sender wrote is in one of three places when the
 * child dies: still in the sender's process (the kernel did not take it: its write callback has
 * not run), in the kernel's socket buffer (taken, not read by the child: lost with the socket,
 * never accepted), or read by the child. To tell the last two apart, the child is frozen first
 * (SIGSTOP, at a random point of whatever it was doing), the unread bytes of its connection are
 * read from the kernel (`ss -x`, Recv-Q), and only then is it killed (SIGKILL). The lines whose
 * last byte is within (bytes the kernel took − Recv-Q) were read. A line read but not yet logged
 * when the child froze (it decodes one read, at most 64 KiB, before logging it) may be lost: that
 * is the documented window, and each round reports how many lines fell in it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { httpEvent, tlsEvent } from '../../../unit/appliance/correlator/fixtures.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const ROUNDS = 5;
const RATE_PER_TICK = 10; // every 5 ms: 2 000 requests/s
const ONE_READ = 64 * 1024;

function haveSs(): boolean {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function startChild(dir: string, mode: 'serve' | 'count') {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const lines = createInterface({ input: child.stdout! });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code, signal) =>
        reject(new Error(`child (${mode}) exited (${code ?? signal}): ${stderr.join('').slice(-2000)}`)),
      );
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, next, exited };
}

/** A producer that knows, per line, where its last byte is and how many bytes the kernel took. */
class Sender {
  readonly lines: { id: string; end: number }[] = [];
  accepted = 0;
  private offset = 0;
  private constructor(readonly socket: Socket) {}

  static async open(path: string): Promise<Sender> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => undefined); // the child dies under it
    return new Sender(socket);
  }

  send(line: string, id?: string): void {
    const text = `${line}\n`;
    this.offset += Buffer.byteLength(text);
    const end = this.offset;
    if (id) this.lines.push({ id, end });
    // Callbacks run in order, once the kernel has taken the bytes.
    this.socket.write(text, (err) => {
      if (!err) this.accepted = end;
    });
  }
}

/** Unread bytes of the child's end of the connection on `path` (ss: Recv-Q of the ESTAB socket). */
function unreadBytes(path: string): number {
  const out = execFileSync('ss', ['-x', '-H', '-n']).toString();
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === 'ESTAB' && cols[4] === path) return Number(cols[2]);
  }
  throw new Error(`no established socket on ${path} in:\n${out}`);
}

interface Round {
  read: string[];
  takenUnread: number;
  notTaken: number;
}

async function crashRound(dir: string, round: number, killAfterMs: number): Promise<Round> {
  const c = startChild(dir, 'serve');
  expect(await c.next()).toBe('ready');
  const httpPath = join(dir, 'http.socket');
  const http = await Sender.open(httpPath);
  const net = await Sender.open(join(dir, 'network.socket'));
  const later: string[] = [];
  let n = 0;
  const tick = setInterval(() => {
    for (const line of later.splice(0)) net.send(line);
    for (let j = 0; j < RATE_PER_TICK; j++, n++) {
      const conn = { conn_ip: `10.9.${round}.${n % 200}`, conn_port: 1024 + n };
      const hello = JSON.stringify(tlsEvent({ src_ip: conn.conn_ip, src_port: conn.conn_port }));
      const id = `crash-r${round}-${n}`;
      const kind = n % 4;
      if (kind === 1) net.send(hello); // handshake first: joined at once
      http.send(JSON.stringify(httpEvent({ ...conn, tls: kind !== 0, conn_id: id })), id);
      if (kind === 2) later.push(hello); // request first: it waits in the join for the next tick
      // kind 3: no handshake ever: it waits its grace period, then leaves without one
    }
  }, 5);
  await new Promise((r) => setTimeout(r, killAfterMs));
  c.child.kill('SIGSTOP');
  clearInterval(tick);
  await new Promise((r) => setTimeout(r, 200)); // write callbacks for what the kernel took
  const unread = unreadBytes(httpPath);
  c.child.kill('SIGKILL');
  await c.exited;
  http.socket.destroy();
  net.socket.destroy();
  const readUpTo = http.accepted - unread;
  return {
    read: http.lines.filter((l) => l.end <= readUpTo).map((l) => l.id),
    takenUnread: http.lines.filter((l) => l.end > readUpTo && l.end <= http.accepted).length,
    notTaken: http.lines.filter((l) => l.end > http.accepted).length,
  };
}

async function finish(dir: string): Promise<Record<string, number>> {
  const last = startChild(dir, 'serve');
  expect(await last.next()).toBe('ready');
  last.child.kill('SIGTERM');
  expect(await last.next()).toMatch(/^closed /);
  await last.exited;
  const count = startChild(dir, 'count');
  const stored = JSON.parse(await count.next()) as Record<string, number>;
  await count.exited;
  return stored;
}

describe.skipIf(!haveSs())('correlator crash (SIGKILL) loses nothing it read (skips without ss)', () => {
  it(`stores every request read exactly once over ${ROUNDS} kills at random points`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-corr-crash-'));
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++)
      rounds.push(await crashRound(dir, r, 300 + Math.floor(Math.random() * 1200)));
    const stored = await finish(dir);

    const duplicated = Object.entries(stored).filter(([, n]) => n !== 1);
    expect(duplicated).toEqual([]);
    const report = rounds.map((r, i) => {
      const lost = r.read.filter((id) => !stored[id]);
      const lineBytes = 800;
      return {
        round: i,
        read: r.read.length,
        takenUnread: r.takenUnread,
        notTaken: r.notTaken,
        lost: lost.length,
        // Lost lines must be the last ones read, within one read of the end (see the header).
        lostOnlyInLastRead: lost.every(
          (id) => r.read.indexOf(id) >= r.read.length - Math.ceil(ONE_READ / lineBytes),
        ),
      };
    });
    console.log(JSON.stringify(report));
    for (const r of report) {
      expect(r.read).toBeGreaterThan(0);
      expect(r.lostOnlyInLastRead).toBe(true);
    }
    // Nothing stored that the child never read.
    const readIds = new Set(rounds.flatMap((r) => r.read));
    expect(Object.keys(stored).filter((id) => !readIds.has(id))).toEqual([]);
  }, 240_000);
});
