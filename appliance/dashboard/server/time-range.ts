import { MAX_TIME_S, RANGE_PRESET_SECONDS, type RangePreset } from '../api/index.js';
import { badRange } from '../errors.js';

export interface TimeRange {
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
  /** Bucket width for series over this range, seconds. */
  step: number;
}

/** The longest range a query may cover: the default retention. */
export const MAX_RANGE_S = 31 * 86400;

export { MAX_TIME_S };

/** Picks a bucket so a series has at most ~200 points, on round steps (1m, 5m, 15m, 1h, 6h, 1d). */
export function stepFor(seconds: number): number {
  for (const step of [60, 300, 900, 3600, 6 * 3600, 86400]) if (seconds / step <= 200) return step;
  return 86400;
}

/** A range from `range=24h` or explicit `from`/`to` (Unix seconds); defaults to the last 24 hours. */
export function parseRange(q: { range?: string; from?: number; to?: number }, now = Date.now()): TimeRange {
  const nowS = Math.floor(now / 1000);
  let from: number;
  let to: number;
  if (q.from !== undefined || q.to !== undefined) {
    to = q.to ?? nowS;
    from = q.from ?? to - 86400;
  } else {
    to = nowS;
    from = to - (RANGE_PRESET_SECONDS[(q.range ?? '24h') as RangePreset] ?? 86400);
  }
  if (from >= to) throw badRange(`from (${from}) must be before to (${to})`);
  if (to - from > MAX_RANGE_S) throw badRange(`at most ${MAX_RANGE_S / 86400} days at once`);
  return { from, to, step: stepFor(to - from) };
}
