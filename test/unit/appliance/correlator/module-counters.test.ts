import { describe, expect, it } from 'vitest';
import type { ReqinStatsEvent } from '../../../../appliance/common/index.js';
import { ModuleCounters } from '../../../../appliance/correlator/module-counters.js';

const stats = (o: Partial<ReqinStatsEvent>): ReqinStatsEvent => ({
  type: 'reqin_stats',
  ts_us: 1,
  pid: 1,
  child_start_us: 1,
  built: 0,
  sent: 0,
  dropped: 0,
  dropped_no_socket: 0,
  dropped_would_block: 0,
  dropped_error: 0,
  dropped_too_large: 0,
  dropped_exit: 0,
  partial_writes: 0,
  connects: 0,
  connect_failures: 0,
  conn_lines: 0,
  final: false,
  ...o,
});

describe('ModuleCounters', () => {
  it("sums each child's latest counts, keeps a gone child's, and tells a pid reused by a new child apart", () => {
    const m = new ModuleCounters();
    m.onStats(stats({ pid: 1, built: 5, sent: 5 }), 0);
    m.onStats(stats({ pid: 1, built: 9, sent: 8, dropped_would_block: 1 }), 0);
    m.onStats(stats({ pid: 2, built: 3, sent: 3, final: true }), 0);
    m.onStats(stats({ pid: 1, child_start_us: 2, built: 4, sent: 4 }), 0);
    expect(m.totals()).toMatchObject({ built: 16, sent: 15, dropped_would_block: 1 });
    expect(m.live).toBe(2);
  });

  it('forgets the least recently heard child past its bound, its counts kept', () => {
    const m = new ModuleCounters(2);
    for (const pid of [1, 2, 3]) m.onStats(stats({ pid, built: 10 }), 0);
    m.onStats(stats({ pid: 2, built: 11 }), 0);
    expect(m.live).toBe(2);
    expect(m.totals().built).toBe(31);
  });

  it('counts events queued on a connection that did not arrive', () => {
    const m = new ModuleCounters();
    m.onStats(stats({ conn_lines: 10 }), 7);
    m.onStats(stats({ conn_lines: 12 }), 12);
    expect(m.missing).toBe(3);
  });
});
