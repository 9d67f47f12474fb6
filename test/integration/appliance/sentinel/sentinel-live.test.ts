/**
 * `ja4 sentinel` on loopback: real TLS clients (node tls with different settings, curl,
 * openssl s_client) against a local TLS server; events collected on a test socket and compared
 * with an offline fingerprint of the sentinel's own --write capture. Skips without cap/CAP_NET_RAW.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelSection } from '../../../../appliance/common/config/sections/sentinel.js';
import { type TlsEvent, tlsEventSchema } from '../../../../appliance/common/index.js';
import {
  type ClientHelloRecord,
  fingerprintFile,
  type SentinelHandle,
  startSentinel,
} from '../../../../appliance/sentinel/index.js';
import { selfSignedCertificate } from '../../../helpers/tls.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-sentinel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function capUsable(): string | null {
  try {
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        "const {Cap}=require('cap');const c=new Cap();c.open('lo','tcp port 1',1<<20,Buffer.alloc(65535));c.close()",
      ],
      {
        cwd: path.resolve(import.meta.dirname, '../../../..'),
        encoding: 'utf8',
      },
    );
    return probe.status === 0
      ? null
      : (probe.stderr.split('\n').find((l) => l.includes('Error')) ?? 'cap unusable');
  } catch (err) {
    return String(err);
  }
}
const skipReason = process.platform !== 'linux' ? 'not Linux' : capUsable();
if (skipReason) console.warn(`skip sentinel live tests: ${skipReason}`);

/** A correlator stand-in: a UNIX socket collecting JSON lines. */
class Collector {
  events: TlsEvent[] = [];
  server: net.Server | null = null;
  conns = new Set<net.Socket>();
  constructor(readonly file: string) {}
  async start(paused = false) {
    rmSync(this.file, { force: true });
    this.server = net.createServer((c) => {
      this.conns.add(c);
      c.on('close', () => this.conns.delete(c));
      if (paused) return c.pause();
      let buf = '';
      c.on('data', (d) => {
        buf += d.toString();
        let i = buf.indexOf('\n');
        while (i >= 0) {
          this.events.push(tlsEventSchema.parse(JSON.parse(buf.slice(0, i))));
          buf = buf.slice(i + 1);
          i = buf.indexOf('\n');
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.file, () => r()));
  }
  async stop() {
    for (const c of this.conns) c.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }
}

let server: tls.Server;
let port = 0;
beforeAll(async () => {
  if (skipReason) return;
  const { key, cert } = selfSignedCertificate(tmp);
  server = tls.createServer({ key, cert, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => {
    s.on('error', () => {});
    s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => server?.close());

function nodeClient(opts: tls.ConnectionOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    let local = 0;
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => s.end());
    s.on('connect', () => {
      local = s.localPort ?? 0;
    });
    s.on('error', () => {});
    s.on('close', () => resolve(local));
    s.resume();
  });
}
const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve) => {
    const c = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    c.stdin?.end();
    c.on('close', () => resolve());
    c.on('error', () => resolve());
  });

async function sentinel(
  socket: string,
  extra: Partial<ReturnType<typeof sentinelSection.parse>> = {},
  write?: string,
): Promise<SentinelHandle> {
  const cfg = sentinelSection.parse({
    iface: 'lo',
    ports: [port],
    metrics_port: 0,
    reconnect_max_ms: 200,
    ...extra,
  });
  const h = await startSentinel({ sentinel: cfg, socket, write, log });
  await sleep(300); // libpcap is live once open() returns; give the socket a moment to connect
  return h;
}
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const p = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return p;
}
/** One sample of a counter from a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string): number | undefined {
  // `name{default labels} value` or `name value`
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
/**
 * An independent capture of the same traffic by dumpcap (its own libpcap handle on lo): the
 * kernel stamps each skb once, so its record timestamps are the ones the sentinel should carry.
 */
async function startDumpcap(file: string, filter: string): Promise<{ stop(): Promise<void> } | string> {
  for (const tool of ['dumpcap', 'tshark']) {
    if (spawnSync(tool, ['-v'], { stdio: 'ignore' }).status !== 0) return `${tool} not installed`;
  }
  const c = spawn('dumpcap', ['-q', '-i', 'lo', '-f', filter, '-w', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const ready = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 10_000);
    c.stderr.on('data', (d) => {
      err += d.toString();
      if (err.includes('Capturing on')) {
        clearTimeout(t);
        resolve(true);
      }
    });
    c.on('close', () => resolve(false));
  });
  const stop = () =>
    new Promise<void>((r) => {
      if (c.exitCode !== null) return r();
      c.on('close', () => r());
      c.kill('SIGTERM');
    });
  if (!ready) {
    await stop();
    return `dumpcap did not start: ${err.trim().split('\n').pop()}`;
  }
  return { stop };
}
const UDP_PROBES = 5;
/**
 * Datagrams to the TLS port that the sentinel's filter passes: the first byte has QUIC's
 * long-header bit (live/bpf.ts), the rest is no QUIC packet.
 */
async function udpProbes() {
  const sock = dgram.createSocket('udp4');
  for (let i = 0; i < UDP_PROBES; i++) {
    const probe = Buffer.concat([Buffer.from([0xc0]), Buffer.from(`probe ${i}`)]);
    await new Promise((r) => sock.send(probe, port, '127.0.0.1', r));
    await sleep(20);
  }
  sock.close();
}
/**
 * Capture times (µs) of the UDP frames in a capture file, read by tshark from its text (ns
 * for pcapng, truncated to µs as libpcap does: no float arithmetic). UDP because loopback
 * stamps such an skb once in netif_rx, so every packet socket sees the same time; locally
 * sent TCP skbs carry TCP's monotonic departure time instead, and each packet socket then
 * reads the clock itself (a µs or two apart).
 */
function udpTimes(file: string): number[] {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'udp', '-T', 'fields', '-e', 'frame.time_epoch'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((epoch) => {
      const [sec, frac = ''] = epoch.split('.');
      return Number(sec) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
    });
}
async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(50);
}

describe.skipIf(skipReason !== null)('ja4 sentinel on loopback', () => {
  it('sends exactly one event per connection, equal to the offline fingerprint of its --write capture', async () => {
    const col = new Collector(path.join(tmp, 'net1.sock'));
    await col.start();
    const capture = path.join(tmp, 'live.pcap');
    const independent = path.join(tmp, 'dumpcap.pcapng');
    const dumpcap = await startDumpcap(independent, `udp port ${port}`);
    const h = await sentinel(col.file, { metrics_port: await freePort() }, capture);
    expect(h.pcap, 'cap binding without patches/cap+*.patch: run npm install (postinstall)').not.toBeNull();
    // sentinel.block_ms (20 by default) keeps libpcap out of immediate mode: a TPACKET_V3 ring.
    expect(h.ring, 'cap binding without patches/cap+*+002+tpacket-v3.patch: run npm install').toBe(
      'TPACKET_V3',
    );
    await until(() => h.events.isConnected);
    await nodeClient();
    await nodeClient({ servername: 'a.test', ALPNProtocols: ['h2'] });
    await nodeClient({ servername: 'b.test', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    await run('curl', ['-sk', '--max-time', '5', `https://127.0.0.1:${port}/`]);
    await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'c.test']);
    await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-noservername']);
    await until(() => col.events.length >= 6);
    await udpProbes();
    await sleep(300);
    const handled = h.pipeline.stats.packets; // read first: libpcap counts a frame before handing it over
    const metrics = await (await fetch(`http://127.0.0.1:${h.metricsPort}/metrics`)).text();
    await h.close();
    await col.stop();
    if (typeof dumpcap !== 'string') await dumpcap.stop();

    // libpcap's own counters (pcap_stats via the patched binding) on the Prometheus endpoint.
    const received = sample(metrics, 'ja4_sentinel_pcap_received_total');
    expect(handled).toBeGreaterThan(0);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeGreaterThanOrEqual(handled);
    expect(sample(metrics, 'ja4_sentinel_pcap_dropped_total')).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'ja4_sentinel_pcap_ifdropped_total')).toBeGreaterThanOrEqual(0);

    expect(col.events).toHaveLength(6);
    expect(new Set(col.events.map((e) => e.src_port)).size).toBe(6);
    expect(new Set(col.events.map((e) => e.ja4)).size).toBeGreaterThanOrEqual(4);
    const offline: ClientHelloRecord[] = [];
    await fingerprintFile(capture, (r) => offline.push(r));
    expect(offline).toHaveLength(6);
    for (const e of col.events) {
      const o = offline.find((r) => r.srcport === e.src_port);
      expect(o, `offline record for port ${e.src_port}`).toBeDefined();
      expect([e.ja4, e.ja4_r, e.ja4_o, e.ja3, e.ja3_full, e.sni, e.dst_port]).toEqual([
        o!.ja4,
        o!.ja4_r,
        o!.ja4_o,
        o!.ja3,
        o!.ja3_full,
        o!.sni,
        port,
      ]);
      expect(e.syn).not.toBeNull(); // the SYN was on the wire
      expect(e.syn!.mss).toBe(65_495); // loopback MTU 65536 - 40
      // The event is stamped with the ClientHello frame's capture time, as the --write record is.
      expect(e.ts_us, `ts_us for port ${e.src_port}`).toBe(o!.ts_us);
    }
    // ...and that time is libpcap's, not the sentinel's clock: dumpcap's own libpcap handle saw
    // the same UDP datagrams with the same timestamps (see udpTimes for why UDP).
    if (typeof dumpcap === 'string') {
      console.warn(`skip the independent timestamp check: ${dumpcap}`);
    } else {
      const mine = udpTimes(capture);
      expect(mine).toHaveLength(UDP_PROBES);
      expect(mine).toEqual(udpTimes(independent));
    }
  }, 60_000);

  it('with hold_down_ms 0, drops while the socket is absent, connects when it appears, and survives it vanishing', async () => {
    const col = new Collector(path.join(tmp, 'net2.sock'));
    const h = await sentinel(col.file, { hold_down_ms: 0 });
    await nodeClient();
    await until(() => h.pipeline.stats.clientHellos >= 1);
    expect(h.events.stats.droppedDown).toBe(1);
    await col.start();
    await until(() => h.events.isConnected);
    await nodeClient({ servername: 'after-appear.test' });
    await until(() => col.events.length >= 1);
    expect(col.events.map((e) => e.sni)).toEqual(['after-appear.test']);
    await col.stop(); // vanishes mid-run
    await until(() => !h.events.isConnected);
    await nodeClient({ servername: 'while-down.test' });
    await until(() => h.pipeline.stats.clientHellos >= 3);
    expect(h.events.stats.droppedDown).toBe(2);
    await col.start();
    await until(() => h.events.isConnected);
    await nodeClient({ servername: 'back.test' });
    await until(() => col.events.length >= 2);
    await h.close();
    await col.stop();
    expect(col.events.map((e) => e.sni)).toEqual(['after-appear.test', 'back.test']);
  }, 60_000);

  it('holds handshakes while the correlator is not there yet or restarts, and delivers them in order', async () => {
    const col = new Collector(path.join(tmp, 'net-hold.sock'));
    const h = await sentinel(col.file);
    await nodeClient({ servername: 'before-start.test' });
    await until(() => h.pipeline.stats.clientHellos >= 1);
    await col.start();
    await until(() => col.events.length >= 1);
    await col.stop(); // a restart
    await until(() => !h.events.isConnected);
    await nodeClient({ servername: 'while-restarting.test' });
    await until(() => h.pipeline.stats.clientHellos >= 2);
    await col.start();
    await until(() => col.events.length >= 2);
    await h.close();
    await col.stop();
    expect(h.events.stats.droppedDown).toBe(0);
    expect(col.events.map((e) => e.sni)).toEqual(['before-start.test', 'while-restarting.test']);
  }, 60_000);

  it('counts drops and keeps memory bounded when the reader stops reading', async () => {
    const col = new Collector(path.join(tmp, 'net3.sock'));
    await col.start(true);
    const maxQueue = 50;
    const h = await sentinel(col.file, { max_queue: maxQueue });
    await until(() => h.events.isConnected);
    const N = 400;
    for (let i = 0; i < N; i += 20)
      await Promise.all(Array.from({ length: 20 }, () => nodeClient({ servername: `burst-${i}.test` })));
    await until(() => h.pipeline.stats.clientHellos >= N);
    const s = h.events.stats;
    expect(h.pipeline.stats.clientHellos).toBe(N);
    expect(s.droppedFull).toBeGreaterThan(0);
    expect(h.events.queued).toBeLessThanOrEqual(maxQueue);
    expect(s.sent + s.droppedFull + h.events.queued).toBe(N);
    await h.close();
    await col.stop();
  }, 120_000);
});
