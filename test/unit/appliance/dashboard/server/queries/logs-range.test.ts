import { describe, expect, it } from 'vitest';
import { logsRange } from '../../../../../../appliance/dashboard/server/queries/logs-range.js';

const H = 1_796_533_200; // an hour, 2026-12-06T05:00Z
const parts = (from: number, to: number) => logsRange({ from, to }).select('c', 'x').split('\nUNION ALL\n');

describe('logsRange', () => {
  it('reads whole hours by hour alone and only the partial ends by ts', () => {
    const p = parts(H + 1200, H + 5 * 3600 + 600);
    expect(p).toHaveLength(2);
    expect(p[0]).toContain('hour >= ');
    expect(p[0]).not.toContain('ts >=');
    expect(p[1]).toContain('ts >= ');
    expect(logsRange({ from: H + 1200, to: H + 5 * 3600 + 600 }).params).toMatchObject({
      lr_whole_from: H + 3600,
      lr_whole_to: H + 5 * 3600,
      lr_edges: [H, H + 5 * 3600],
      lr_days: ['20261206'],
    });
  });

  it('needs no ts at all for a range on whole hours', () => {
    const p = parts(H, H + 24 * 3600);
    expect(p).toHaveLength(1);
    expect(p[0]).not.toContain('ts >=');
    expect(logsRange({ from: H, to: H + 24 * 3600 }).params.lr_days).toEqual(['20261206', '20261207']);
  });

  it('reads a range inside one hour by ts only, that hour once', () => {
    const p = parts(H + 60, H + 120);
    expect(p).toHaveLength(1);
    expect(p[0]).toContain('ts >= ');
    expect(logsRange({ from: H + 60, to: H + 120 }).params.lr_edges).toEqual([H]);
  });

  it('keeps an unaligned start and an aligned end apart', () => {
    const r = logsRange({ from: H + 60, to: H + 3600 });
    expect(r.params).toMatchObject({ lr_edges: [H], lr_whole_from: H + 3600, lr_whole_to: H + 3600 });
    expect(r.select('c', 'x').split('\nUNION ALL\n')).toHaveLength(1);
  });
});
