/**
 * The one deterministic PRNG of the project: the detector's trees, the demo data and the traffic
 * generator draw from it, so the same seed gives the same model, rows and traffic on every
 * machine (nothing that must be reproducible draws from Math.random). sfc32 (Chris
 * Doty-Humphrey's "small fast counting" generator, PractRand-clean) seeded from a 128-bit hash of
 * string parts, so each stream is independent (`createRng(seed, 'human', 17)`) and rows can be
 * generated in any order, or in parallel, without materialising a global sequence.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Log-normal-ish positive value with the given median (think times, sizes). */
  around(median: number, spread?: number): number;
  /** A 32-bit unsigned integer. */
  u32(): number;
}

/** 128 bits of state from any parts: FNV-1a per lane, then murmur3's fmix32 finaliser. */
export function hashParts(parts: readonly (string | number)[]): [number, number, number, number] {
  const text = parts.map(String).join('\u0000');
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (let lane = 0; lane < 4; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane + 1, 0x9e3779b9)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    out[lane] = fmix32(h);
  }
  return out;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createRng(...parts: (string | number)[]): Rng {
  let [a, b, c, d] = hashParts(parts);
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32's author recommends a short warm-up after seeding.
  for (let i = 0; i < 12; i++) u32();
  const next = () => u32() / 4294967296;
  const rng: Rng = {
    next,
    u32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(items) {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
    around(median, spread = 0.6) {
      // Box-Muller: a normal in log space gives the long right tail of human think times.
      const u = 1 - next();
      const v = next();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return median * Math.exp(spread * z);
    },
  };
  return rng;
}
