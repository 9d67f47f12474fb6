import { describe, expect, it } from 'vitest';
import { parseProfileStatus, profileBetween } from '../../../../scripts/lib/module-profile.js';

/** A profile build's status page with the given sums (cycles, timed, preempted) per phase. */
const page = (tscHz: number, sent: number, sums: Record<string, [number, number, number]>) =>
  [
    'Socket: /run/ja4/http.socket',
    'Enabled: on',
    `EventsSent: ${sent}`,
    'EventsDropped: 0',
    `TscHz: ${tscHz}`,
    ...Object.entries(sums).flatMap(([p, [c, t, x]]) => [
      `Cycles${p}: ${c}`,
      `Timed${p}: ${t}`,
      `Preempted${p}: ${x}`,
    ]),
  ].join('\n');

const zero: Record<string, [number, number, number]> = {
  PostReadRequest: [0, 0, 0],
  LogTransaction: [0, 0, 0],
  Format: [0, 0, 0],
  Queue: [0, 0, 0],
  Flush: [0, 0, 0],
};

describe('parseProfileStatus', () => {
  it('reads every phase', () => {
    const c = parseProfileStatus(page(2_600_000_000, 7, { ...zero, Flush: [900, 3, 1] }));
    expect(c.tscHz).toBe(2_600_000_000);
    expect(c.eventsSent).toBe(7);
    expect(c.phases.Flush).toEqual({ cycles: 900, timed: 3, preempted: 1 });
  });

  it('names the line a release build lacks', () => {
    expect(() => parseProfileStatus('EventsSent: 3\nEventsDropped: 0\n')).toThrow(
      /no CyclesPostReadRequest line/,
    );
    const noRate = page(1, 1, zero).replace(/^TscHz: \d+$/m, '');
    expect(() => parseProfileStatus(noRate)).toThrow(/no TscHz line/);
  });
});

describe('profileBetween', () => {
  it('gives mean cycles per timed call, flusher cycles per event sent, and their sum in µs', () => {
    const before = parseProfileStatus(
      page(2_000_000_000, 100, {
        ...zero,
        PostReadRequest: [5_000, 100, 0],
        LogTransaction: [99_000, 99, 1],
      }),
    );
    const after = parseProfileStatus(
      page(2_000_000_000, 1_100, {
        PostReadRequest: [5_000 + 60_000, 1_100, 0], // 1,000 more at 60
        LogTransaction: [99_000 + 1_998_000, 99 + 999, 1 + 1], // 999 timed at 2,000, 1 preempted
        Format: [1_500_000, 1_000, 0],
        Queue: [300_000, 1_000, 0],
        Flush: [400_000, 5, 0], // over the 1,000 events sent: 400 each
      }),
    );
    const p = profileBetween(before, after);
    expect(p).toMatchObject({
      requests: 1_000,
      post_read_request: 60,
      log_transaction: 2_000,
      format: 1_500,
      queue: 300,
      flush_per_event: 400,
      total_cycles: 2_460,
      total_us: 1.23, // 2,460 cycles at 2 GHz
    });
    expect(p.preempted.LogTransaction).toBe(1);
  });

  it('refuses readings with nothing between them', () => {
    const c = parseProfileStatus(
      page(1e9, 5, { ...zero, PostReadRequest: [10, 1, 0], LogTransaction: [10, 1, 0] }),
    );
    expect(() => profileBetween(c, c)).toThrow(/no events were sent between the two readings/);
  });
});
