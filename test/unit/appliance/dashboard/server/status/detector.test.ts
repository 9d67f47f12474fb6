import { describe, expect, it } from 'vitest';
import {
  type DetectorStatusBody,
  detectorReport,
} from '../../../../../../appliance/dashboard/server/status/detector.js';
import { ago, perSecond, realTime } from '../../../../../../appliance/dashboard/server/status/words.js';

const NOW = Date.parse('2026-01-10T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const status = (o: Partial<DetectorStatusBody> = {}): DetectorStatusBody => ({
  running: null,
  last_cycle: null,
  last_error: null,
  next_cycle_at: iso(NOW + 40_000),
  interval_minutes: 15,
  cycles_run: 0,
  ...o,
});

const cycle = (o: Partial<NonNullable<DetectorStatusBody['last_cycle']>>) => ({
  cycle_id: 'c1',
  status: 'ok' as const,
  finished_at: iso(NOW - 60_000),
  rows: 900,
  baseline_rows: 700,
  min_baseline: 500,
  scored: 900,
  anomalies: 12,
  ...o,
});

describe("the detector's row, in words", () => {
  it('waits for its first cycle, idle, with when it comes', () => {
    const r = detectorReport(status(), NOW);
    expect(r.state).toBe('idle');
    expect(r.summary).toBe('waiting for its first cycle (in 40 s)');
    expect(r.last_seen).toBeNull();
  });

  it('says what the last cycle did, or why it wrote nothing, with the numbers', () => {
    expect(detectorReport(status({ last_cycle: cycle({}), cycles_run: 1 }), NOW)).toMatchObject({
      state: 'ok',
      summary: 'scored 900 rows, 12 anomalies',
    });
    const small = detectorReport(
      status({ last_cycle: cycle({ status: 'insufficient_baseline', baseline_rows: 12, rows: 30 }) }),
      NOW,
    );
    expect(small.state).toBe('warn');
    expect(small.summary).toBe(
      'insufficient baseline: 12 human rows of the 500 needed (detector.min_baseline), 30 rows in all',
    );
    expect(detectorReport(status({ last_cycle: cycle({ status: 'no_rows' }) }), NOW)).toMatchObject({
      state: 'idle',
      summary: 'no data: no traffic in the window yet',
    });
  });

  it('is up when its last cycle found no new request to score, not failed', () => {
    const quiet = cycle({
      status: 'no_new_data',
      reason: 'no request arrived since the last cycle',
      rows: 0,
      scored: 0,
      anomalies: 0,
    });
    expect(detectorReport(status({ last_cycle: quiet, cycles_run: 2 }), NOW)).toMatchObject({
      state: 'ok',
      summary: 'up to date: no request arrived since the cycle before',
    });
  });

  it('is down when its last cycle failed or the scheduler is long overdue', () => {
    const failed = status({
      last_cycle: cycle({}),
      last_error: { at: iso(NOW - 1000), cycle_id: 'c2', message: 'ClickHouse went away' },
    });
    expect(detectorReport(failed, NOW)).toMatchObject({
      state: 'down',
      summary: 'last cycle failed: ClickHouse went away',
    });
    const stuck = status({ last_cycle: cycle({}), next_cycle_at: iso(NOW - 31 * 60_000) });
    expect(detectorReport(stuck, NOW).state).toBe('down');
  });
});

describe('status words', () => {
  it('never shows a 1970 date for an empty table', () => {
    expect(realTime(0)).toBeNull();
    expect(realTime('1970-01-01 00:00:00')).toBeNull();
    expect(ago(realTime(0), NOW)).toBe('no data yet');
    expect(realTime(NOW / 1000)).toBe(iso(NOW));
  });

  it('words rates', () => {
    expect(perSecond(null)).toBe('—');
    expect(perSecond(0)).toBe('0/s');
    expect(perSecond(0.05)).toBe('0.05/s');
    expect(perSecond(2.25)).toBe('2.3/s');
    expect(perSecond(1250)).toBe('1,250/s');
  });
});
