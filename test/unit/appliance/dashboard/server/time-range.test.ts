import { describe, expect, it } from 'vitest';
import { parseRange, stepFor } from '../../../../../appliance/dashboard/server/time-range.js';

const now = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('parseRange', () => {
  it('reads presets relative to now and defaults to 24 hours', () => {
    expect(parseRange({ range: '1h' }, now)).toEqual({ from: now / 1000 - 3600, to: now / 1000, step: 60 });
    expect(parseRange({}, now).from).toBe(now / 1000 - 86400);
  });

  it('takes explicit from/to and picks a step with at most ~200 points', () => {
    const r = parseRange({ from: 1_000_000, to: 1_000_000 + 7 * 86400 }, now);
    expect(r.step).toBe(3600);
    expect(stepFor(30 * 86400)).toBe(6 * 3600);
  });

  it('refuses an inverted or too long range with a clear message', () => {
    expect(() => parseRange({ from: 10, to: 5 }, now)).toThrow(/from \(10\) must be before to \(5\)/);
    expect(() => parseRange({ from: 0, to: 90 * 86400 }, now)).toThrow(/at most 31 days/);
  });
});
