import { describe, expect, it } from 'vitest';
import { main, parseSeedArgs } from '../../../scripts/seed-clickhouse.js';

describe('seed-clickhouse options', () => {
  it('defaults to seed 42, scale 1, 24 h ending at the current minute', () => {
    const now = Date.UTC(2026, 10, 21, 20, 17, 42);
    const o = parseSeedArgs([], now);
    expect(o).toMatchObject({
      seed: '42',
      scale: 1,
      hours: 24,
      batchRows: 10_000,
      migrate: false,
      progress: true,
    });
    expect(o.endUs).toBe(Date.UTC(2026, 10, 21, 20, 17) * 1000);
  });

  it('reads --at, --scale and --no-progress', () => {
    const o = parseSeedArgs([
      '--at',
      '2026-01-02T03:00:00Z',
      '--scale',
      '0.5',
      '--no-progress',
      '--seed',
      '9',
    ]);
    expect(o.endUs).toBe(Date.UTC(2026, 0, 2, 3) * 1000);
    expect([o.scale, o.progress, o.seed]).toEqual([0.5, false, '9']);
  });

  it('names the bad option', () => {
    expect(() => parseSeedArgs(['--scale=-1'])).toThrow(/--scale = "-1"/);
    expect(() => parseSeedArgs(['--scale', '-1'])).toThrow(/--scale/);
    expect(() => parseSeedArgs(['--scale', 'lots'])).toThrow(/--scale/);
    expect(() => parseSeedArgs(['--hours', '1.5'])).toThrow(/--hours/);
    expect(() => parseSeedArgs(['--at', 'yesterday'])).toThrow(/--at/);
  });

  it('refuses to fill a ClickHouse server without CAN_SEED_DATABASE=1 or --yes, before connecting', async () => {
    await expect(main(['--url', 'http://127.0.0.1:9/'], {})).rejects.toMatchObject({
      code: 'JA4_ERR_SEED_LATCH',
    });
  });
});
