import type { TimeRange } from '../time-range.js';

/**
 * Aligns (t, values) points to every bucket of the range, with a zero for each empty bucket, so
 * a chart's axis is the range and quiet stretches are drawn as zero, not interpolated over.
 */
export function zeroFilled<K extends string>(
  points: ({ t: number } & Record<K, number>)[],
  r: TimeRange,
  keys: K[],
): { t: number[]; values: Record<K, number[]> } {
  const start = Math.floor(r.from / r.step) * r.step;
  const n = Math.max(1, Math.ceil((r.to - start) / r.step));
  const t = Array.from({ length: n }, (_, i) => start + i * r.step);
  const values = Object.fromEntries(keys.map((k) => [k, new Array<number>(n).fill(0)])) as Record<
    K,
    number[]
  >;
  for (const p of points) {
    const i = Math.floor((p.t - start) / r.step);
    if (i < 0 || i >= n) continue;
    for (const k of keys) values[k][i] += p[k];
  }
  return { t, values };
}
