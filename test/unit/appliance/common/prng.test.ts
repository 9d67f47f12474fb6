import { describe, expect, it } from 'vitest';
import { createRng, hashParts } from '../../../../appliance/common/prng.js';

describe('createRng', () => {
  it('gives the same sequence for the same parts and another for other parts', () => {
    const seq = (...parts: (string | number)[]) => {
      const r = createRng(...parts);
      return Array.from({ length: 50 }, () => r.u32());
    };
    expect(seq('42', 'human', 3)).toEqual(seq('42', 'human', 3));
    expect(seq('42', 'human', 3)).not.toEqual(seq('42', 'human', 4));
    expect(seq('42', 'human', 3)).not.toEqual(seq('43', 'human', 3));
  });

  it('keeps int() inside its inclusive bounds and reaches both ends', () => {
    const r = createRng('bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const v = r.int(20, 25);
      expect(v).toBeGreaterThanOrEqual(20);
      expect(v).toBeLessThanOrEqual(25);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([20, 21, 22, 23, 24, 25]);
  });

  it('follows the weights in weighted()', () => {
    const r = createRng('weights');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++)
      counts[
        r.weighted([
          ['a', 3],
          ['b', 1],
        ] as const)
      ]++;
    expect(counts.a / 20_000).toBeGreaterThan(0.72);
    expect(counts.a / 20_000).toBeLessThan(0.78);
  });

  it('centres around() on its median', () => {
    const r = createRng('around');
    const values = Array.from({ length: 10_001 }, () => r.around(1000, 0.6)).sort((x, y) => x - y);
    expect(values[5000]).toBeGreaterThan(900);
    expect(values[5000]).toBeLessThan(1100);
    expect(values[0]).toBeGreaterThan(0);
  });
});

describe('hashParts', () => {
  it('separates parts so that ("a","bc") and ("ab","c") differ', () => {
    expect(hashParts(['a', 'bc'])).not.toEqual(hashParts(['ab', 'c']));
  });
});
