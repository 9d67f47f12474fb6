import { describe, expect, it } from 'vitest';
import { PcapStatsPoller, type RawPcapStats } from '../../../../../appliance/sentinel/live/pcap-stats.js';

/** A pcap_stats() stand-in that returns the queued readings in turn (an Error is thrown). */
function source(readings: (RawPcapStats | Error)[]) {
  let calls = 0;
  const read = () => {
    const r = readings[Math.min(calls++, readings.length - 1)]!;
    if (r instanceof Error) throw r;
    return r;
  };
  return { read, calls: () => calls };
}
const stat = (ps_recv: number, ps_drop = 0, ps_ifdrop = 0): RawPcapStats => ({ ps_recv, ps_drop, ps_ifdrop });

describe('PcapStatsPoller', () => {
  it('adds the deltas of the cumulative counts', () => {
    const src = source([stat(10, 1, 0), stat(25, 3, 2), stat(25, 3, 2)]);
    const p = new PcapStatsPoller(src.read);
    p.poll();
    expect(p.totals).toEqual({ received: 10, dropped: 1, ifdropped: 0 });
    p.poll();
    p.poll();
    expect(p.totals).toEqual({ received: 25, dropped: 3, ifdropped: 2 });
  });

  it('carries on across the 32-bit wrap of struct pcap_stat', () => {
    const nearTop = 2 ** 32 - 10;
    const src = source([stat(nearTop, nearTop - 1), stat(5, 7)]);
    const p = new PcapStatsPoller(src.read);
    p.poll();
    p.poll();
    // received: 10 steps to the wrap, then 5; dropped: 11 steps, then 7
    expect(p.totals.received).toBe(nearTop + 10 + 5);
    expect(p.totals.dropped).toBe(nearTop - 1 + 11 + 7);
  });

  it('reports a failing pcap_stats() and keeps the totals', () => {
    const errors: string[] = [];
    const src = source([stat(4), new Error('recvfrom: bad'), stat(9)]);
    const p = new PcapStatsPoller(src.read, (m) => errors.push(m));
    p.poll();
    p.poll();
    expect(errors).toEqual(['recvfrom: bad']);
    expect(p.lastError).toBe('recvfrom: bad');
    expect(p.totals.received).toBe(4);
    p.poll();
    expect(p.totals.received).toBe(9);
  });

  it('polls once more on stop() and never after', () => {
    const src = source([stat(3), stat(8), stat(20)]);
    const p = new PcapStatsPoller(src.read);
    p.start(60_000);
    p.poll();
    p.stop();
    expect(p.totals.received).toBe(8);
    p.poll();
    p.stop();
    expect(src.calls()).toBe(2);
    expect(p.totals.received).toBe(8);
  });
});
