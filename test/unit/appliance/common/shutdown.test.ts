import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createShutdown } from '../../../../appliance/common/shutdown.js';

const silent = pino({ level: 'silent' });

/** A shutdown whose last-registered closer hangs: how it ended, and whether the one before it ran. */
async function afterAHungCloser(deadlineMs: number) {
  const s = createShutdown(silent, deadlineMs);
  let ranAfter = false;
  s.register('after', () => {
    ranAfter = true;
  });
  s.register('hangs', () => new Promise<void>(() => {}));
  const clean = await s.run('test');
  return { clean, ranAfter };
}

describe('createShutdown', () => {
  it('runs closers once, in reverse order of registration', async () => {
    const order: string[] = [];
    const s = createShutdown(silent, 1000);
    s.register('db', () => {
      order.push('db');
    });
    s.register('correlator', async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push('correlator');
    });
    s.register('sentinel', () => {
      order.push('sentinel');
    });
    const [a, b] = await Promise.all([s.run('test'), s.run('again')]);
    expect(order).toEqual(['sentinel', 'correlator', 'db']);
    expect(a).toBe(true);
    expect(b).toBe(true);
  });

  it('keeps going past a failing closer and reports an unclean shutdown', async () => {
    const order: string[] = [];
    const s = createShutdown(silent, 1000);
    s.register('first', () => {
      order.push('first');
    });
    s.register('broken', () => {
      throw new Error('boom');
    });
    expect(await s.run('test')).toBe(false);
    expect(order).toEqual(['first']);
  });

  it('stops waiting for a closer at the deadline', async () => {
    const { clean, ranAfter } = await afterAHungCloser(50);
    expect(clean).toBe(false);
    // The deadline is shared: nothing is left for the closer after the one that hung.
    expect(ranAfter).toBe(false);
  });

  it('counts the deadline passed once a closer overran it, whatever the clock then reads', async () => {
    // A timer may fire a moment before the clock reads its due time; a frozen clock is the extreme.
    const frozen = performance.now();
    const now = Date.now();
    const perf = vi.spyOn(performance, 'now').mockReturnValue(frozen);
    const date = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const { clean, ranAfter } = await afterAHungCloser(20);
      expect(clean).toBe(false);
      expect(ranAfter).toBe(false);
    } finally {
      perf.mockRestore();
      date.mockRestore();
    }
  });
});
