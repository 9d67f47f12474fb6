import type { ClientHello } from './client-hello.js';
import { computeJa3, type Ja3Fingerprint } from './ja3.js';
import { computeJa4, type Ja4Fingerprints } from './ja4.js';
import type { Ja4Transport } from './ja4-parts.js';

export type Fingerprints = Ja4Fingerprints & Ja3Fingerprint;

interface Entry {
  transport: Ja4Transport;
  lists: number[][];
  legacy: number;
  alpn: Buffer | null;
  fp: Fingerprints;
}

const MAX_ENTRIES = 4096;
const cache = new Map<number, Entry>();
let enabled = true;

/** Turns the memo off (benchmarks measure the cold path with it). */
export function setFingerprintCache(on: boolean): void {
  enabled = on;
  cache.clear();
}

function lists(ch: ClientHello): number[][] {
  return [
    ch.ciphers,
    ch.extensions,
    ch.signatureAlgorithms,
    ch.groups,
    ch.pointFormats,
    ch.supportedVersions,
  ];
}

/** FNV-1a over every input of JA4 and JA3, without building a string. */
function structuralHash(ch: ClientHello, transport: Ja4Transport): number {
  let h = 0x811c9dc5 ^ transport.charCodeAt(0);
  h = Math.imul(h ^ ch.legacyVersion, 0x01000193);
  for (const l of lists(ch)) {
    h = Math.imul(h ^ (l.length + 0x10000), 0x01000193);
    for (let i = 0; i < l.length; i++) h = Math.imul(h ^ l[i], 0x01000193);
  }
  const a = ch.alpnFirst;
  if (a !== null) for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i], 0x01000193);
  return h >>> 0;
}

function same(e: Entry, ch: ClientHello, transport: Ja4Transport): boolean {
  if (e.transport !== transport || e.legacy !== ch.legacyVersion) return false;
  const l = lists(ch);
  for (let k = 0; k < l.length; k++) {
    const x = e.lists[k];
    const y = l[k];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  const a = ch.alpnFirst;
  if (a === null || e.alpn === null) return a === e.alpn;
  return a.equals(e.alpn);
}

/** Both fingerprints in one object literal (an object spread costs more than the fields). */
function compute(ch: ClientHello, transport: Ja4Transport): Fingerprints {
  const j4 = computeJa4(ch, transport);
  const j3 = computeJa3(ch);
  return {
    ja4: j4.ja4,
    ja4_r: j4.ja4_r,
    ja4_o: j4.ja4_o,
    ja4_ro: j4.ja4_ro,
    ja3: j3.ja3,
    ja3_full: j3.ja3_full,
  };
}

/**
 * JA4 (all four forms) and JA3 of a ClientHello, memoised on the exact inputs: one client
 * software sends the same lists on every connection, so live traffic hits this most of the time.
 * A hit is verified list by list (no trust in the 32-bit hash alone).
 */
export function fingerprints(ch: ClientHello, transport: Ja4Transport): Fingerprints {
  if (!enabled) return compute(ch, transport);
  const h = structuralHash(ch, transport);
  const e = cache.get(h);
  if (e !== undefined && same(e, ch, transport)) return e.fp;
  const fp = compute(ch, transport);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(h, {
    transport,
    lists: lists(ch).map((l) => l.slice()),
    legacy: ch.legacyVersion,
    alpn: ch.alpnFirst === null ? null : Buffer.from(ch.alpnFirst),
    fp,
  });
  return fp;
}
