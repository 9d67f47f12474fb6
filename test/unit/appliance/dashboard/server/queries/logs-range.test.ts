import { describe, expect, it } from 'vitest';
import { logsRange } from '../../../../../../appliance/dashboard/server/queries/logs-range.js';

const H = 1_796_533_200; // an hour, 2026-12-06T05:00Z

describe('logsRange', () => {
  it('reads whole hours by hour alone and only the partial ends by ts', () => {
    const r = logsRange({ from: H + 1200, to: H + 5 * 3600 + 600 });
    expect(r.whole).toContain('hour >= ');
    expect(r.whole).not.toContain('ts >=');
    expect(r.edges).toContain('toStartOfHour(ts) IN');
    expect(r.edges).toContain('ts >= ');
    expect(r.exact).toContain('NOT IN {lr_edges');
    expect(r.params).toMatchObject({
      lr_whole_from: H + 3600,
      lr_whole_to: H + 5 * 3600,
      lr_first_hour: H,
      lr_last_hour: H + 5 * 3600,
      lr_edges: [H, H + 5 * 3600],
      lr_days: ['20261206'],
    });
  });

  it('needs no ts at all for a range on whole hours', () => {
    const r = logsRange({ from: H, to: H + 24 * 3600 });
    expect(r.edges).toBe('0');
    expect(r.exact).not.toContain('ts >=');
    expect(r.params).toMatchObject({ lr_last_hour: H + 23 * 3600, lr_days: ['20261206', '20261207'] });
  });

  it('reads a range inside one hour by ts only, that hour once', () => {
    const r = logsRange({ from: H + 60, to: H + 120 });
    expect(r.whole).toBe('0');
    expect(r.edges).toContain('ts >= ');
    expect(r.params).toMatchObject({ lr_edges: [H], lr_first_hour: H, lr_last_hour: H });
  });

  it('keeps an unaligned start and an aligned end apart', () => {
    const r = logsRange({ from: H + 60, to: H + 3600 });
    expect(r.params).toMatchObject({ lr_edges: [H], lr_whole_from: H + 3600, lr_whole_to: H + 3600 });
    expect(r.whole).toBe('0');
    expect(r.params.lr_last_hour).toBe(H);
  });

  it('selects nothing for an empty range', () => {
    const r = logsRange({ from: H + 60, to: H + 60 });
    expect([r.whole, r.edges, r.exact, r.hours]).toEqual(['0', '0', '0', '0']);
  });
});
