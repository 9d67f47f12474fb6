#!/usr/bin/env -S npx tsx
/**
 * Seeded mutation fuzzer for the fingerprinting core: ClientHello bodies, TCP segment streams,
 * QUIC Initial packets (mutated before and after encryption) and capture files.
 * Invariants: no exception escapes an entry point, no hang, every failure is a typed, counted code.
 *
 *   npm run fuzz -- [--seconds 60] [--seed 1234]
 */
import crypto from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { walkCapture } from '../appliance/sentinel/capture-file.js';
import { parseClientHello } from '../appliance/sentinel/client-hello.js';
import { PARSE_CODES, type ParseCode } from '../appliance/sentinel/errors.js';
import { FingerprintPipeline } from '../appliance/sentinel/pipeline.js';
import { clientInitialKeys, QUIC_V1 } from '../appliance/sentinel/quic-crypto.js';
import { isEntryPoint, runMain } from './lib/cli.js';

export interface FuzzReport {
  seed: number;
  iterations: number;
  /** Exceptions that escaped an entry point (must be empty). */
  escaped: { target: string; error: string }[];
  errors: Record<string, number>;
  records: number;
}

/** mulberry32: small, fast, reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x16, 0x03, 0x01, 0x40];

function mutate(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n && b.length > 0; i++) {
    const at = Math.floor(r() * b.length);
    switch (Math.floor(r() * 7)) {
      case 0:
        b[at] ^= 1 << Math.floor(r() * 8);
        break;
      case 1:
        b[at] = INTERESTING[Math.floor(r() * INTERESTING.length)];
        break;
      case 2:
        if (at + 1 < b.length) b.writeUInt16BE(Math.floor(r() * 65536), at); // a length field, maybe
        break;
      case 3:
        b = b.subarray(0, at); // truncate
        break;
      case 4:
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.alloc(1 + Math.floor(r() * 8), Math.floor(r() * 256)),
          b.subarray(at),
        ]);
        break;
      case 5:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(r() * 8)))]);
        break;
      default: {
        const len = Math.floor(r() * 32);
        b = Buffer.concat([b, b.subarray(at, at + len)]);
      }
    }
  }
  return b;
}

// ---- seeds -------------------------------------------------------------------------------------
function u16(v: number) {
  return Buffer.from([v >> 8, v & 0xff]);
}
function helloMessage(): Buffer {
  const ext = (t: number, d: Buffer) => Buffer.concat([u16(t), u16(d.length), d]);
  const host = Buffer.from('fuzz.example');
  const exts = Buffer.concat([
    ext(0x0a0a, Buffer.alloc(0)),
    ext(0, Buffer.concat([u16(host.length + 3), Buffer.from([0]), u16(host.length), host])),
    ext(0x10, Buffer.from([0, 3, 2, 0x68, 0x32])),
    ext(0x2b, Buffer.from([4, 3, 4, 3, 3])),
    ext(0x0d, Buffer.from([0, 4, 4, 3, 8, 4])),
    ext(0x0a, Buffer.from([0, 4, 0, 29, 0, 23])),
    ext(0x0b, Buffer.from([1, 0])),
  ]);
  const body = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 1),
    Buffer.from([0]),
    Buffer.from([0, 4, 0x13, 1, 0xc0, 0x2f]),
    Buffer.from([1, 0]),
    u16(exts.length),
    exts,
  ]);
  return Buffer.concat([
    Buffer.from([1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]),
    body,
  ]);
}
function ipv4(proto: number, payload: Buffer, sport = 0): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = 64;
  h[9] = proto;
  h.writeUInt32BE(0x0a000001 + sport, 12);
  h.writeUInt32BE(0x0a000002, 16);
  return Buffer.concat([h, payload]);
}
function tcp(seq: number, flags: number, payload: Buffer, sport: number): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(443, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h[12] = 6 << 4;
  h[13] = flags;
  h.writeUInt16BE(65535, 14);
  Buffer.from([2, 4, 5, 0xb4]).copy(h, 20);
  return ipv4(6, Buffer.concat([h, payload]), sport);
}
function udp(payload: Buffer, sport: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(443, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return ipv4(17, Buffer.concat([h, payload]), sport);
}
/** A client Initial carrying `frames` (RFC 9001 §5), so mutations reach the frame and hello parsers. */
function quicInitial(frames: Buffer): Buffer {
  const dcid = Buffer.from('0011223344556677', 'hex');
  const { key, iv, hp } = clientInitialKeys(QUIC_V1, dcid);
  const payload = Buffer.concat([frames, Buffer.alloc(Math.max(0, 1000 - frames.length))]);
  const length = 1 + payload.length + 16;
  const header = Buffer.concat([
    Buffer.from([0xc0, 0, 0, 0, 1, 8]),
    dcid,
    Buffer.from([0, 0, 0x40 | (length >> 8), length & 0xff, 0]),
  ]);
  const c = crypto.createCipheriv('aes-128-gcm', key, iv);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
  const e = crypto.createCipheriv('aes-128-ecb', hp, null);
  e.setAutoPadding(false);
  const mask = e.update(ct.subarray(3, 19));
  const out = Buffer.concat([header, ct]);
  out[0] ^= mask[0] & 0x0f;
  out[header.length - 1] ^= mask[1];
  return out;
}

function fixtureFiles(): Buffer[] {
  const dir = path.resolve(import.meta.dirname, '../test/fixtures/ja4');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => readFileSync(path.join(dir, f)))
    .filter((b) => b.length < 100_000);
}

// ---- driver ------------------------------------------------------------------------------------
export function runFuzz(opts: { seed: number; durationMs: number; maxIterations?: number }): FuzzReport {
  const r = rng(opts.seed);
  const msg = helloMessage();
  const record = Buffer.concat([Buffer.from([22, 3, 1, msg.length >> 8, msg.length & 0xff]), msg]);
  const cryptoFrame = Buffer.concat([Buffer.from([6, 0, 0x40 | (msg.length >> 8), msg.length & 0xff]), msg]);
  const files = fixtureFiles();
  const errors: Record<string, number> = {};
  const escaped: FuzzReport['escaped'] = [];
  let records = 0;
  const pipeline = new FingerprintPipeline(() => records++, { maxFlows: 1024 });
  const count = (code: ParseCode) => {
    errors[code] = (errors[code] ?? 0) + 1;
  };
  const guard = (target: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      if (escaped.length < 20) escaped.push({ target, error: String((err as Error)?.stack ?? err) });
    }
  };
  const deadline = Date.now() + opts.durationMs;
  let i = 0;
  let ts = 1_700_000_000_000_000;
  for (; Date.now() < deadline && i < (opts.maxIterations ?? Number.POSITIVE_INFINITY); i++) {
    const sport = 1024 + (i % 50_000);
    switch (i % 5) {
      case 0:
        guard('client-hello', () => {
          const m = mutate(msg, r);
          const res = parseClientHello(m, 4, m.length);
          if (!res.ok) count(res.code);
        });
        break;
      case 1:
        guard('tcp', () => {
          // SYN, then the record mutated and cut into 1–3 segments delivered in a random order
          pipeline.push(101, tcp(1000, 0x02, Buffer.alloc(0), sport), ts++);
          const m = mutate(record, r);
          const cut = Math.floor(r() * m.length);
          const segs = [
            [1001, m.subarray(0, cut)],
            [1001 + cut, m.subarray(cut)],
          ] as const;
          const order = r() < 0.5 ? [0, 1] : [1, 0];
          for (const k of order)
            pipeline.push(101, mutateMaybe(tcp(segs[k][0], 0x18, segs[k][1], sport), r), ts++);
        });
        break;
      case 2:
        guard('quic-plaintext', () =>
          pipeline.push(101, udp(quicInitial(mutate(cryptoFrame, r)), sport), ts++),
        );
        break;
      case 3:
        guard('quic-wire', () =>
          pipeline.push(
            Math.floor(r() * 3) === 0 ? 1 : 101,
            mutate(udp(quicInitial(cryptoFrame), sport), r),
            ts++,
          ),
        );
        break;
      default:
        guard('capture-file', () => {
          if (files.length === 0) return;
          const f = files[Math.floor(r() * files.length)];
          const p = new FingerprintPipeline(() => records++);
          const res = walkCapture(mutate(f, r), (lt, d, t) => p.push(lt, d, t));
          if (!res.ok) count(res.code);
          for (const [k, v] of Object.entries(p.stats.errors)) if (v > 0) errors[k] = (errors[k] ?? 0) + v;
        });
    }
  }
  for (const [k, v] of Object.entries(pipeline.stats.errors)) if (v > 0) errors[k] = (errors[k] ?? 0) + v;
  for (const k of Object.keys(errors)) {
    if (!(PARSE_CODES as readonly string[]).includes(k))
      escaped.push({ target: 'codes', error: `untyped code ${k}` });
  }
  return { seed: opts.seed, iterations: i, escaped, errors, records };
}

function mutateMaybe(b: Buffer, r: () => number): Buffer {
  return r() < 0.3 ? mutate(b, r) : b;
}

async function main(argv = process.argv): Promise<void> {
  const arg = (name: string, def: number) => {
    const i = argv.indexOf(name);
    return i > 0 ? Number(argv[i + 1]) : def;
  };
  const report = runFuzz({
    seed: arg('--seed', Date.now() % 1_000_000),
    durationMs: arg('--seconds', 60) * 1000,
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (report.escaped.length > 0 || (report.errors.internal ?? 0) > 0) process.exitCode = 1;
}

if (isEntryPoint(import.meta.url)) runMain('fuzz-fingerprint', main);
