#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:fingerprint`: ClientHellos/s of the fingerprinting core, beside a plain walk over
 * the same capture's packet records, measured in one run on one core.
 *
 * The capture is built by replicating the reference fixtures (test/fixtures/ja4: the
 * ClientHello packets of tls-sni.pcapng, plus the QUIC and TLS 1.0/1.2 singles) with each
 * replica's addresses rewritten, so every replica is a new connection: ≥ 50k ClientHellos.
 * Writes bench/results/fingerprint.json. BENCH_CLIENT_HELLOS sets the target count.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { walkCapture } from '../appliance/sentinel/capture-file.js';
import { setFingerprintCache } from '../appliance/sentinel/fingerprint-cache.js';
import { fingerprintBuffer } from '../appliance/sentinel/fingerprint-file.js';
import { decodeFrame } from '../appliance/sentinel/link-layer.js';
import { newPacketInfo } from '../appliance/sentinel/packet-info.js';
import { recordLine } from '../appliance/sentinel/record-line.js';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.resolve(root, 'test/fixtures/ja4');
const SOURCES = [
  'tls-sni.pcapng',
  'quic-with-several-tls-frames.pcapng',
  'tls12.pcap',
  'https3-301-get.pcap',
  'ipv6.pcapng',
];
const target = Number(process.env.BENCH_CLIENT_HELLOS ?? 50_000);

interface Frame {
  linkType: number;
  data: Buffer;
  src: number; // offsets of the innermost addresses
  dst: number;
  len: number;
}

function loadFrames(): Frame[] {
  const frames: Frame[] = [];
  const pi = newPacketInfo();
  for (const name of SOURCES) {
    const buf = readFileSync(path.join(fixtures, name));
    walkCapture(buf, (linkType, data) => {
      if (decodeFrame(linkType, data, pi) !== '') return;
      frames.push({ linkType, data: Buffer.from(data), src: pi.srcOff, dst: pi.dstOff, len: pi.addrLen });
    });
  }
  return frames;
}

/** A pcapng with one interface per link type and `replicas` copies of `frames`, addresses rewritten. */
function buildCapture(frames: Frame[], replicas: number): Buffer {
  const linkTypes = [...new Set(frames.map((f) => f.linkType))];
  const block = (type: number, body: Buffer) => {
    const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
    const b = Buffer.alloc(len);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(len, 4);
    body.copy(b, 8);
    b.writeUInt32LE(len, len - 4);
    return b;
  };
  const shbBody = Buffer.alloc(16);
  shbBody.writeUInt32LE(0x1a2b3c4d, 0);
  shbBody.writeUInt16LE(1, 4);
  shbBody.writeBigInt64LE(-1n, 8);
  const parts: Buffer[] = [block(0x0a0d0d0a, shbBody)];
  for (const lt of linkTypes) parts.push(block(1, Buffer.from([lt & 0xff, lt >> 8, 0, 0, 0, 0, 4, 0])));
  let ts = 1_700_000_000_000_000n;
  for (let k = 1; k <= replicas; k++) {
    for (const f of frames) {
      const d = Buffer.from(f.data);
      for (const off of [f.src, f.dst]) {
        // XOR the last three address bytes with the replica number: a new 4-tuple per replica.
        d[off + f.len - 1] ^= k & 0xff;
        d[off + f.len - 2] ^= (k >> 8) & 0xff;
        d[off + f.len - 3] ^= (k >> 16) & 0xff;
      }
      const h = Buffer.alloc(20);
      h.writeUInt32LE(linkTypes.indexOf(f.linkType), 0);
      ts += 50n;
      h.writeUInt32LE(Number(ts >> 32n), 4);
      h.writeUInt32LE(Number(ts & 0xffffffffn), 8);
      h.writeUInt32LE(d.length, 12);
      h.writeUInt32LE(d.length, 16);
      parts.push(block(6, Buffer.concat([h, d])));
    }
  }
  return Buffer.concat(parts);
}

function best<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let bestMs = Number.POSITIVE_INFINITY;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    value = fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms < bestMs) bestMs = ms;
  }
  return { ms: bestMs, value };
}

const frames = loadFrames();
// ClientHellos per replica, counted on one replica (a QUIC Initial present twice counts once).
const hellos = fingerprintBuffer('one', buildCapture(frames, 1), () => {}).stats.clientHellos;
const replicas = Math.ceil(target / hellos);
const capture = buildCapture(frames, replicas);
const packets = frames.length * replicas;

// 1. plain walk over the packet records (what reading the file costs at minimum)
const walk = best(5, () => {
  let bytes = 0;
  walkCapture(capture, (_lt, d) => {
    bytes += d.length;
  });
  return bytes;
});
// 2. the pipeline alone (decode, reassembly, QUIC decryption, parse, JA4 + JA3)
fingerprintBuffer('warm-up', capture, () => {});
const core = best(5, () => fingerprintBuffer('bench', capture, () => {}).stats.clientHellos);
// 2b. the same with the fingerprint memo off: every ClientHello hashed from scratch (no digest is
// cached anywhere: all four JA4 SHA-256s and the JA3 MD5 are computed for every hello)
setFingerprintCache(false);
const cold = best(5, () => fingerprintBuffer('bench', capture, () => {}).stats.clientHellos);
setFingerprintCache(true);
// 3. what `ja4 fingerprint --json` does in process: the pipeline plus one JSON line per ClientHello
const json = best(5, () => {
  let chars = 0;
  const res = fingerprintBuffer('bench', capture, (r) => {
    chars += recordLine(r).length;
  });
  return res.stats.clientHellos + chars * 0;
});
// 4. the CLI end to end (process start and tsx included), output to /dev/null
const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-bench-'));
const file = path.join(dir, 'bench.pcapng');
writeFileSync(file, capture);
if (process.env.BENCH_KEEP) writeFileSync(process.env.BENCH_KEEP, capture);
const cli = best(2, () => {
  execFileSync(process.execPath, [path.join(root, 'bin/ja4.js'), 'fingerprint', '--json', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return 0;
});
rmSync(dir, { recursive: true, force: true });

const seen = core.value;
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
const result = {
  benchmark: 'fingerprint',
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  capture: { bytes: capture.length, packets, client_hellos: seen, replicas, sources: SOURCES },
  plain_walk: { ms: Math.round(walk.ms), packets_per_s: rate(packets, walk.ms) },
  pipeline: {
    ms: Math.round(core.ms),
    client_hellos_per_s: rate(seen, core.ms),
    packets_per_s: rate(packets, core.ms),
  },
  pipeline_no_memo: { ms: Math.round(cold.ms), client_hellos_per_s: rate(seen, cold.ms) },
  fingerprint_json: { ms: Math.round(json.ms), client_hellos_per_s: rate(seen, json.ms) },
  cli_end_to_end: { ms: Math.round(cli.ms), client_hellos_per_s: rate(seen, cli.ms) },
  /** The yardstick: fingerprinting rate as a fraction of the plain walk's packet rate. */
  ratio_fingerprint_json_to_walk: Number((rate(seen, json.ms) / rate(packets, walk.ms)).toFixed(3)),
  goal_client_hellos_per_s: 100_000,
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/fingerprint.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
