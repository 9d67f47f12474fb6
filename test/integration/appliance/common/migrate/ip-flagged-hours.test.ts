import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import {
  defaultMigrationsDir,
  migrateUp,
  splitStatements,
} from '../../../../../appliance/common/migrate/index.js';
import { detectedAnomaly } from './fixtures.js';
import { copyMigrations, openEmbedded, rows } from './helpers.js';

// ml_ip_flagged_hours (0022) with its view and one-off fill (0023): anomalies written before the
// migration are filled in (the last 30 days), later ones arrive through the view, running the
// fill again changes no answer, and the recurrence read from it equals view_ip_recurrence's.

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

const NOW_H = Math.floor(Date.now() / 3_600_000) * 3600;
const DAY = 86_400;
const A = '203.0.113.7';
const B = '2001:db8::9';
const C = '198.51.100.20';

async function anomaly(src_ip: string, hour: number, detected: number, ja4 = 'ja4_a') {
  await handle.client.insert({
    table: 'ja4_processing.ml_detected_anomalies',
    values: [
      detectedAnomaly({
        detected_at: detected * 1000,
        hour,
        src_ip,
        ja4,
        score: 0.8,
        cycle_id: `c${detected}`,
      }),
    ],
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
  });
}

interface Rec {
  src_ip: string;
  days: string | number;
  hours: string | number;
}
/** The answer from the flagged hours themselves (days are UTC dates). */
const expected = (flagged: Record<string, number[]>) =>
  Object.entries(flagged)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([src_ip, hs]) => ({
      src_ip,
      days: new Set(hs.map((h) => Math.floor(h / DAY))).size,
      hours: new Set(hs).size,
    }));
const norm = (rs: Rec[]) =>
  rs.map((r) => ({ src_ip: r.src_ip, days: Number(r.days), hours: Number(r.hours) }));
const RECURRENCE = `SELECT src_ip, uniqExact(toDate(hour)) AS days, uniqExact(hour) AS hours
  FROM ja4_processing.ml_ip_flagged_hours WHERE hour >= toStartOfDay(now() - INTERVAL 30 DAY)
  GROUP BY src_ip ORDER BY src_ip`;
const VIEW = `SELECT src_ip, days_flagged AS days, hours_flagged AS hours
  FROM ja4_processing.view_ip_recurrence ORDER BY src_ip`;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-ip-flagged-hours'));
  // The schema as it was before 0022, with anomalies in it: A in two hours of today (one key in
  // two versions, and a second JA4 in the same hour) and once three days ago; B 40 days ago,
  // outside the window.
  const before = copyMigrations();
  for (const f of readdirSync(before).filter((n) => Number(n.slice(0, 4)) >= 22)) rmSync(join(before, f));
  await migrateUp(handle.client, { dir: before });
  rmSync(before, { recursive: true, force: true });
  await anomaly(A, NOW_H - 2 * 3600, NOW_H - 3000);
  await anomaly(A, NOW_H - 2 * 3600, NOW_H - 1000);
  await anomaly(A, NOW_H - 2 * 3600, NOW_H - 1000, 'ja4_b');
  await anomaly(A, NOW_H - 3600, NOW_H - 1000);
  await anomaly(A, NOW_H - 3 * DAY, NOW_H - 3 * DAY + 900);
  await anomaly(B, NOW_H - 40 * DAY, NOW_H - 40 * DAY + 900);
  await migrateUp(handle.client);
});
afterAll(async () => cleanup?.());

describe('ml_ip_flagged_hours (0022, 0023)', () => {
  it('fills the last 30 days of anomalies that were there before the migration', async () => {
    expect(norm(await rows<Rec>(handle, RECURRENCE))).toEqual(
      expected({ [A]: [NOW_H - 2 * 3600, NOW_H - 3600, NOW_H - 3 * DAY] }),
    );
    expect(norm(await rows<Rec>(handle, RECURRENCE))).toEqual(norm(await rows<Rec>(handle, VIEW)));
  });

  it('takes later anomalies through its view, and agrees with view_ip_recurrence', async () => {
    await anomaly(C, NOW_H - DAY, NOW_H - DAY + 600);
    await anomaly(A, NOW_H - 5 * DAY, NOW_H - 5 * DAY + 600);
    expect(norm(await rows<Rec>(handle, RECURRENCE))).toEqual(
      expected({
        [A]: [NOW_H - 2 * 3600, NOW_H - 3600, NOW_H - 3 * DAY, NOW_H - 5 * DAY],
        [C]: [NOW_H - DAY],
      }),
    );
    expect(norm(await rows<Rec>(handle, RECURRENCE))).toEqual(norm(await rows<Rec>(handle, VIEW)));
  });

  it('gives the same answers when the fill runs again, and merges its repeats away', async () => {
    const file = readdirSync(defaultMigrationsDir()).find((n) => /^0023_.*\.up\.sql$/.test(n));
    const fill = splitStatements(readFileSync(join(defaultMigrationsDir(), String(file)), 'utf8')).find((s) =>
      /^INSERT/i.test(s),
    );
    expect(fill).toBeDefined();
    const want = await rows<Rec>(handle, RECURRENCE);
    await handle.client.command({ query: String(fill) });
    expect(await rows<Rec>(handle, RECURRENCE)).toEqual(want);
    await handle.client.command({ query: 'OPTIMIZE TABLE ja4_processing.ml_ip_flagged_hours FINAL' });
    const [{ n }] = await rows<{ n: string }>(
      handle,
      'SELECT count() AS n FROM ja4_processing.ml_ip_flagged_hours',
    );
    expect(Number(n)).toBe(5); // A: 4 hours, C: 1 (B's hour 40 days ago was never filled)
  });
});
