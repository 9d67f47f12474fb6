import { describe, expect, it } from 'vitest';
import { bestOf, median, percentile, rate } from '../../../../scripts/lib/bench.js';

describe('bench helpers', () => {
  it('takes the middle value of an odd sample and the mean of the two middle values of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([30_566, 33_020, 27_779, 30_476])).toBe(30_521);
    expect(median([0.977, 1.077])).toBeCloseTo(1.027, 12);
  });

  it('does not reorder the caller’s sample', () => {
    const xs = [3, 1, 2];
    median(xs);
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(10);
    expect(percentile(xs, 95)).toBe(19);
    expect(percentile(xs, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
  });

  it('gives whole rates per second and keeps the fastest run', () => {
    expect(rate(3, 2000)).toBe(2);
    expect(rate(1, 3)).toBe(333);
    let calls = 0;
    const r = bestOf(3, () => ++calls);
    expect(calls).toBe(3);
    expect(r.value).toBe(3);
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });
});
