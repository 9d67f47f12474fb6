#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:fingerprint`: ClientHellos/s of the fingerprinting core, beside a plain walk over
 * the same capture's packet records, measured in one run on one core.
 *
 * The capture is built by replicating the reference fixtures (test/fixtures/ja4: the
 * ClientHello packets of tls-sni.pcapng, plus the QUIC and TLS 1.0/1.2 singles) with each
 * replica's addresses rewritten, so every replica is a new connection: ≥ 50k ClientHellos.
 * Writes bench/results/fingerprint.json. BENCH_CLIENT_HELLOS sets the target count.
 *
 * `--baseline DIR [--rounds 20]` instead times this checkout's pipeline against the one in DIR
 * side by side (scripts/lib/bench-fingerprint-baseline.ts) and prints the ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { walkCapture } from '../appliance/sentinel/capture-file.js';
import { setFingerprintCache } from '../appliance/sentinel/fingerprint-cache.js';
import { fingerprintBuffer } from '../appliance/sentinel/fingerprint-file.js';
import { decodeFrame } from '../appliance/sentinel/packet-decoder.js';
import { newPacketInfo } from '../appliance/sentinel/packet-info.js';
import { recordLine } from '../appliance/sentinel/record-line.js';
import { bestOf, REPO_ROOT, rate, writeResult } from './lib/bench.js';
import { compareWithBaseline } from './lib/bench-fingerprint-baseline.js';
import { isEntryPoint, runMain } from './lib/cli.js';
import { ScriptOptionError } from './lib/errors.js';

const fixtures = path.resolve(REPO_ROOT, 'test/fixtures/ja4');
const SOURCES = [
  'tls-sni.pcapng',
  'quic-with-several-tls-frames.pcapng',
  'tls12.pcap',
  'https3-301-get.pcap',
  'ipv6.pcapng',
];

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

interface Timings {
  walk: { ms: number };
  core: { ms: number; value: number };
  cold: { ms: number };
  json: { ms: number };
  cli: { ms: number };
}

/** Times each stage on the same capture, best of several runs each. */
function measure(capture: Buffer, keep?: string): Timings {
  // 1. plain walk over the packet records (what reading the file costs at minimum)
  const walk = bestOf(5, () => {
    let bytes = 0;
    walkCapture(capture, (_lt, d) => {
      bytes += d.length;
    });
    return bytes;
  });
  // 2. the pipeline alone (decode, reassembly, QUIC decryption, parse, JA4 + JA3)
  fingerprintBuffer('warm-up', capture, () => {});
  const core = bestOf(5, () => fingerprintBuffer('bench', capture, () => {}).stats.clientHellos);
  // 2b. the same with the fingerprint memo off: every ClientHello hashed from scratch (no digest is
  // cached anywhere: all four JA4 SHA-256s and the JA3 MD5 are computed for every hello)
  setFingerprintCache(false);
  const cold = bestOf(5, () => fingerprintBuffer('bench', capture, () => {}).stats.clientHellos);
  setFingerprintCache(true);
  // 3. what `ja4 fingerprint --json` does in process: the pipeline plus one JSON line per ClientHello
  const json = bestOf(5, () => {
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
  if (keep) writeFileSync(keep, capture);
  const cli = bestOf(2, () => {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin/ja4.js'), 'fingerprint', '--json', file], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return 0;
  });
  rmSync(dir, { recursive: true, force: true });
  return { walk, core, cold, json, cli };
}

/** The benchmark capture: the fixtures' frames replicated to at least `target` ClientHellos. */
function benchCapture(target: number): { capture: Buffer; packets: number; replicas: number } {
  const frames = loadFrames();
  // ClientHellos per replica, counted on one replica (a QUIC Initial present twice counts once).
  const hellos = fingerprintBuffer('one', buildCapture(frames, 1), () => {}).stats.clientHellos;
  const replicas = Math.ceil(target / hellos);
  return { capture: buildCapture(frames, replicas), packets: frames.length * replicas, replicas };
}

/** Builds a capture of at least `target` ClientHellos and measures it; the bench/results/fingerprint.json shape. */
export function benchFingerprint(target: number, keep?: string) {
  const { capture, packets, replicas } = benchCapture(target);
  const { walk, core, cold, json, cli } = measure(capture, keep);
  const seen = core.value;
  return {
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
    /** The yardstick of the fingerprinting cost: its rate as a fraction of the plain walk's packet rate. */
    ratio_fingerprint_json_to_walk: Number((rate(seen, json.ms) / rate(packets, walk.ms)).toFixed(3)),
    goal_client_hellos_per_s: 100_000,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '20' } },
  });
  const target = Number(process.env.BENCH_CLIENT_HELLOS ?? 50_000);
  if (values.baseline) {
    const rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1)
      throw new ScriptOptionError('rounds', values.rounds, 'a positive integer');
    const log = (line: string) => process.stderr.write(`bench:fingerprint: ${line}\n`);
    const comparison = await compareWithBaseline(values.baseline, benchCapture(target).capture, rounds, log);
    process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
    return;
  }
  const result = benchFingerprint(target, process.env.BENCH_KEEP);
  writeResult('fingerprint', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (isEntryPoint(import.meta.url)) runMain('bench-fingerprint', main);
