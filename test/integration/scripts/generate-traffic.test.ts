import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../scripts/generate-traffic.js';
import { buildPools, planTraffic } from '../../../scripts/lib/traffic-plan.js';
import { TRAFFIC_TLS_PROFILES } from '../../../scripts/lib/traffic-profiles.js';
import { selfSignedCertificate } from '../../helpers/tls.js';

/**
 * A local HTTPS server (self-signed certificate made with openssl, HTTP/2 and HTTP/1.1) records
 * every request and every ClientHello it receives; the generator is pointed at it.
 */
interface Received {
  method: string;
  path: string;
  xff: string;
  ua: string;
  alpn: string;
  tlsVersion: string;
}

let tmp: string;
let server: http2.Http2SecureServer;
let front: net.Server;
let port: number;
const received: Received[] = [];
const hellos: string[] = [];

/** Cipher suites, extension types and ALPN of a ClientHello (RFC 8446 §4.1.2), GREASE dropped. */
function helloShape(buf: Buffer): string {
  try {
    if (buf[0] !== 22 || buf[5] !== 1) return 'not a ClientHello';
    let p = 9 + 2 + 32;
    p += 1 + buf[p];
    const cipherLen = buf.readUInt16BE(p);
    const ciphers: number[] = [];
    for (let i = 0; i < cipherLen; i += 2) ciphers.push(buf.readUInt16BE(p + 2 + i));
    p += 2 + cipherLen;
    p += 1 + buf[p];
    const end = p + 2 + buf.readUInt16BE(p);
    p += 2;
    const exts: string[] = [];
    while (p + 4 <= end) {
      const type = buf.readUInt16BE(p);
      const len = buf.readUInt16BE(p + 2);
      exts.push(type === 16 ? `16:${buf.subarray(p + 4, p + 4 + len).toString('latin1')}` : String(type));
      p += 4 + len;
    }
    const grease = (v: number) => (v & 0x0f0f) === 0x0a0a;
    return `${ciphers.filter((c) => !grease(c)).join('-')}|${exts.join('-')}`;
  } catch {
    return 'truncated';
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ja4-traffic-'));
  const { key, cert } = selfSignedCertificate(tmp);
  server = http2.createSecureServer({ key, cert, allowHTTP1: true }, (req, res) => {
    const socket = req.socket as unknown as {
      alpnProtocol?: string | false;
      getProtocol?: () => string | null;
    };
    received.push({
      method: req.method,
      path: req.url,
      xff: String(req.headers['x-forwarded-for'] ?? ''),
      ua: String(req.headers['user-agent'] ?? ''),
      alpn: String(socket.alpnProtocol || 'none'),
      tlsVersion: String(socket.getProtocol?.() ?? ''),
    });
    req.resume();
    req.on('end', () => {
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/plain' });
      res.end('ok\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backend = (server.address() as net.AddressInfo).port;
  // A TCP relay in front records each connection's first bytes (the ClientHello) on the way.
  front = net.createServer((sock) => {
    const upstream = net.connect(backend, '127.0.0.1');
    sock.once('data', (chunk) => hellos.push(helloShape(chunk)));
    sock.pipe(upstream).pipe(sock);
    sock.on('error', () => upstream.destroy());
    upstream.on('error', () => sock.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  port = (front.address() as net.AddressInfo).port;
}, 60_000);

afterAll(async () => {
  front?.close();
  server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('generate-traffic against a local HTTPS server', () => {
  it('delivers every planned request with the planned X-Forwarded-For, over several TLS fingerprints', async () => {
    const args = [
      `https://127.0.0.1:${port}/`,
      '--insecure',
      '--pace',
      '0',
      '--concurrency',
      '6',
      '--seed',
      'it',
      '--no-progress',
    ];
    const summary = await main(args);
    const plan = planTraffic({ seed: 'it', requests: 500 });

    expect(summary).toMatchObject({ sent: 500, ok: 500, failed: 0 });
    expect(received).toHaveLength(500);
    const key = (m: string, p: string, x: string) => `${m} ${p} ${x}`;
    const planned = plan.flatMap((v) => v.requests.map((r) => key(r.method, r.path, v.xff))).sort();
    expect(received.map((r) => key(r.method, r.path, r.xff)).sort()).toEqual(planned);

    const pools = buildPools('it');
    const humanUas = new Set(TRAFFIC_TLS_PROFILES.filter((p) => p.role === 'human').map((p) => p.userAgent));
    for (const r of received) {
      expect(r.xff).not.toBe('');
      const pool = humanUas.has(r.ua) ? pools.human : pools.bot;
      expect(pool).toContain(r.xff);
    }
    expect(received.some((r) => /^(91\.121|78\.41|90)\./.test(r.xff))).toBe(true);
    expect(received.some((r) => /^(185\.220|45\.155|193\.32)\./.test(r.xff))).toBe(true);

    // One ClientHello per visit (HTTP/1.1 keep-alive or one HTTP/2 session), as distinct as the profiles.
    const shapes = new Set(hellos);
    expect(shapes.size).toBe(new Set(plan.map((v) => v.profile.id)).size);
    expect(shapes.size).toBeGreaterThanOrEqual(6);
    expect(new Set(received.map((r) => r.alpn))).toEqual(new Set(['h2', 'http/1.1', 'none']));
    expect(new Set(received.map((r) => r.tlsVersion))).toEqual(new Set(['TLSv1.3', 'TLSv1.2']));
  });

  it('refuses a target that is not loopback without --i-own-this-host, before sending anything', async () => {
    const before = received.length;
    await expect(main(['https://192.0.2.10/', '--no-progress'])).rejects.toMatchObject({
      code: 'JA4_ERR_TRAFFIC_TARGET',
    });
    expect(received.length).toBe(before);
  });
});
