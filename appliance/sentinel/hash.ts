import crypto from 'node:crypto';

const CACHE_MAX = 8192;
const sha256Cache = new Map<string, string>();
const md5Cache = new Map<string, string>();

// crypto.hash (Node ≥ 20.12) is a one-shot digest without a Hash object per call.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

function digest(alg: 'sha256' | 'md5', s: string): string {
  return oneShot ? oneShot(alg, s, 'hex') : crypto.createHash(alg).update(s).digest('hex');
}

/**
 * Memoised digests: real traffic repeats the same cipher/extension lists endlessly, so a small
 * bounded cache saves most hashing. Cleared wholesale when full (bounded memory, no LRU cost).
 */
function cached(cache: Map<string, string>, alg: 'sha256' | 'md5', s: string): string {
  let h = cache.get(s);
  if (h === undefined) {
    h = digest(alg, s);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(s, h);
  }
  return h;
}

/** JA4: "sha256 hash … truncated to 12 characters", lower case (JA4.md). */
export function sha256Trunc12(s: string): string {
  return cached(sha256Cache, 'sha256', s).slice(0, 12);
}

export function md5Hex(s: string): string {
  return cached(md5Cache, 'md5', s);
}

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));

/** A 16-bit value as 4 lower-case hex digits. */
export function hex4(v: number): string {
  return HEX2[v >> 8] + HEX2[v & 0xff];
}

export function hex2(v: number): string {
  return HEX2[v & 0xff];
}
