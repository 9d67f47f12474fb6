/**
 * Own captures: real ClientHellos from node's tls (several settings), curl and openssl s_client,
 * recorded on loopback with tshark, then `ja4 fingerprint` compared with tshark's own dissection:
 * JA3 and JA3 string straight from tshark (tls.handshake.ja3 / ja3_full); JA4 recomputed here from
 * tshark's fields per FoxIO JA4.md (tshark 4.0 has no JA4 field).
 * Set JA4_RECORD_FIXTURE=1 to refresh test/fixtures/pcap/loopback-clients.pcapng and its
 * expected file (checked by the second suite, which needs no tshark).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClientHelloRecord, fingerprintFile } from '../../../../appliance/sentinel/index.js';
import { selfSignedCertificate } from '../../../helpers/tls.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const fixtureFile = path.join(repoRoot, 'test/fixtures/pcap/loopback-clients.pcapng');
const expectedFile = `${fixtureFile}.expected.json`;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const canCapture = has('tshark') && has('openssl') && has('curl') && process.platform === 'linux';
if (!canCapture) console.warn('skip live loopback capture: needs tshark, openssl and curl on Linux');

interface Expected {
  srcport: number;
  sni: string | null;
  ja3: string;
  ja3_full: string;
  ja4: string;
  ja4_r: string;
}

const sha12 = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 12);
const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const hex4 = (v: number) => v.toString(16).padStart(4, '0');
const ints = (s: string) =>
  s === '' ? [] : s.split(',').map((x) => Number.parseInt(x, x.startsWith('0x') ? 16 : 10));

/** JA4 from tshark's dissected fields, written from JA4.md independently of appliance/sentinel. */
function ja4FromFields(f: string[]): { ja4: string; ja4_r: string } {
  const [, , , ciphersF, extsF, sigsF, versF, alpnF, sniF, legacyF] = f;
  const ciphers = ints(ciphersF).filter((v) => !isGrease(v));
  const exts = ints(extsF).filter((v) => !isGrease(v));
  const vers = ints(versF).filter((v) => !isGrease(v));
  const version = vers.length > 0 ? Math.max(...vers) : ints(legacyF)[0];
  const vcode = { 772: '13', 771: '12', 770: '11', 769: '10' }[version] ?? '00';
  const alpn = alpnF.split(',')[0] ?? '';
  const a0 = alpn.length === 0 ? '00' : `${alpn[0]}${alpn[alpn.length - 1]}`;
  const two = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
  const a = `t${vcode}${sniF ? 'd' : 'i'}${two(ciphers.length)}${two(exts.length)}${a0}`;
  const b = ciphers.map(hex4).sort().join(',');
  const sorted = exts
    .filter((e) => e !== 0 && e !== 0x10)
    .map(hex4)
    .sort()
    .join(',');
  const sigs = ints(sigsF)
    .filter((v) => !isGrease(v))
    .map(hex4)
    .join(',');
  const c = sigs ? `${sorted}_${sigs}` : sorted;
  return {
    ja4: `${a}_${b.length ? sha12(b) : '000000000000'}_${sorted.length ? sha12(c) : '000000000000'}`,
    ja4_r: `${a}_${b}_${c}`,
  };
}

function tsharkExpected(file: string): Expected[] {
  const fields = [
    'tcp.srcport',
    'tls.handshake.ja3',
    'tls.handshake.ja3_full',
    'tls.handshake.ciphersuite',
    'tls.handshake.extension.type',
    'tls.handshake.sig_hash_alg',
    'tls.handshake.extensions.supported_version',
    'tls.handshake.extensions_alpn_str',
    'tls.handshake.extensions_server_name',
    'tls.handshake.version',
  ];
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-Y',
      'tls.handshake.type == 1',
      '-T',
      'fields',
      '-E',
      'aggregator=,',
      '-E',
      'separator=/t',
      ...fields.flatMap((x) => ['-e', x]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split('\t');
      return { srcport: Number(f[0]), sni: f[8] || null, ja3: f[1], ja3_full: f[2], ...ja4FromFields(f) };
    });
}

function compare(records: ClientHelloRecord[], expected: Expected[]): void {
  expect(records.length).toBe(expected.length);
  const byPort = new Map(records.map((r) => [r.srcport, r]));
  for (const e of expected) {
    const r = byPort.get(e.srcport);
    expect(r, `ClientHello from port ${e.srcport}`).toBeDefined();
    expect({ sni: r!.sni, ja3: r!.ja3, ja3_full: r!.ja3_full, ja4: r!.ja4, ja4_r: r!.ja4_r }).toEqual({
      sni: e.sni,
      ja3: e.ja3,
      ja3_full: e.ja3_full,
      ja4: e.ja4,
      ja4_r: e.ja4_r,
    });
  }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-lo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function driveClients(port: number): Promise<void> {
  const nodeClient = (opts: tls.ConnectionOptions) =>
    new Promise<void>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => s.end());
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
  await nodeClient({});
  await nodeClient({ servername: 'node-h2.test', ALPNProtocols: ['h2', 'http/1.1'] });
  await nodeClient({
    servername: 'node-tls12.test',
    maxVersion: 'TLSv1.2',
    ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA',
  });
  await nodeClient({ servername: 'node-13.test', minVersion: 'TLSv1.3', ALPNProtocols: ['http/1.1'] });
  const run = (cmd: string, args: string[]) =>
    new Promise<void>((resolve) => {
      const c = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
      c.stdin?.end();
      c.on('close', () => resolve());
      c.on('error', () => resolve());
    });
  await run('curl', [
    '-sk',
    '--max-time',
    '5',
    '--resolve',
    `curl.test:${port}:127.0.0.1`,
    `https://curl.test:${port}/`,
  ]);
  await run('curl', ['-sk', '--max-time', '5', '--http1.1', `https://127.0.0.1:${port}/`]);
  await run('openssl', [
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-servername',
    'openssl.test',
    '-alpn',
    'h2',
  ]);
  await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-noservername']);
}

/** Polls `done` every 200 ms (running `each` first) until it holds or `ms` pass. */
async function until(done: () => boolean, ms: number, each?: () => void): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    each?.();
    await new Promise((r) => setTimeout(r, 200));
    if (done()) return true;
  }
  return done();
}

/** A TCP connection opened and closed at once: packets on the port, no ClientHello. */
function knock(port: number): void {
  const c = net.connect(port, '127.0.0.1', () => c.destroy());
  c.on('error', () => {});
}

describe.skipIf(!canCapture)('live loopback capture of node, curl and openssl clients', () => {
  it('matches tshark on every ClientHello', async () => {
    const { key, cert } = selfSignedCertificate(tmp);
    const server = tls.createServer({ key, cert, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => {
      s.on('error', () => {});
      s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const capture = path.join(tmp, 'lo.pcapng');
    // -l -P: a line per packet on stdout as it is captured, so the test waits for what it needs
    // to have been captured instead of for a fixed time (which a busy machine overran).
    const tshark: ChildProcess = spawn(
      'tshark',
      ['-i', 'lo', '-f', `tcp port ${port}`, '-d', `tcp.port==${port},tls`, '-w', capture, '-l', '-P'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let lines = '';
    tshark.stdout?.on('data', (d: Buffer) => {
      lines += d.toString();
    });
    const started = await new Promise<boolean>((resolve) => {
      let err = '';
      tshark.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('Capturing on')) resolve(true);
      });
      tshark.on('exit', () => resolve(false));
      setTimeout(() => resolve(false), 15_000);
    });
    if (!started) {
      console.warn('skip: tshark cannot capture on lo here (capture privileges?)');
      server.close();
      return;
    }
    // "Capturing on" comes a moment before the filter is live: knock until a SYN shows.
    const live = await until(
      () => lines.includes('[SYN]'),
      20_000,
      () => knock(port),
    );
    expect(live, 'tshark saw no packet on the port').toBe(true);
    await driveClients(port);
    const hellos = () => lines.split('\n').filter((l) => l.includes('Client Hello')).length;
    expect(await until(() => hellos() >= 8, 30_000), `tshark saw ${hellos()} ClientHellos`).toBe(true);
    const exited = new Promise((r) => tshark.on('exit', r));
    tshark.kill('SIGINT');
    await exited;
    server.close();

    const expected = tsharkExpected(capture);
    expect(expected.length).toBe(8);
    expect(new Set(expected.map((e) => e.ja3)).size).toBeGreaterThanOrEqual(4); // distinct clients
    const records: ClientHelloRecord[] = [];
    await fingerprintFile(capture, (r) => records.push(r));
    compare(records, expected);
    expect(records.every((r) => r.syn !== null && r.syn.mss !== null)).toBe(true);
    if (process.env.JA4_RECORD_FIXTURE === '1') {
      copyFileSync(capture, fixtureFile);
      writeFileSync(expectedFile, `${JSON.stringify(expected, null, 2)}\n`);
    }
  }, 90_000);
});

describe.skipIf(!existsSync(expectedFile))('recorded loopback capture (test/fixtures/pcap)', () => {
  it('matches the tshark-derived expectations stored beside it', async () => {
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Expected[];
    const records: ClientHelloRecord[] = [];
    await fingerprintFile(fixtureFile, (r) => records.push(r));
    compare(records, expected);
  });
});
