import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import {
  defaultMigrationsDir,
  migrateUp,
  splitStatements,
} from '../../../../../appliance/common/migrate/index.js';
import { scoreHistogram } from '../../../../../appliance/dashboard/server/queries/detections.js';
import { refreshScoreHistogram } from '../../../../../appliance/detector/score-histogram.js';
import type { ScoreRow } from '../../../../../appliance/detector/store.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

// Three cycles: A scores hours 9 and 10 with model A; B rescores hour 10 with model B (a new
// model rescoring a closed hour); C, an incremental cycle of model B, rescores part of hour 10
// again. ml_all_scores keeps a row per model version (0030), so hour 10 holds two or three
// scorings of each row that never merge there; ml_current_scores must keep only the newest.
/** The columns of a detector's score row that these cycles set. */
type Score = Pick<
  ScoreRow,
  | 'scored_at'
  | 'cycle_id'
  | 'model_version'
  | 'hour'
  | 'host'
  | 'src_ip'
  | 'ja4'
  | 'score'
  | 'threshold'
  | 'is_anomaly'
>;
const JA4S = ['t13d1516h2_8daaf6152771_02713d6af862', 't13d301000_01455d0db58d_5ac7197df9d2'];
const CYCLES = [
  { id: 'a', model: 'model-a', at: '2026-11-20 11:05:00.000', hours: [9, 10], rows: 40, t: 0.6 },
  { id: 'b', model: 'model-b', at: '2026-11-20 12:05:00.000', hours: [10], rows: 40, t: 0.55 },
  { id: 'c', model: 'model-b', at: '2026-11-20 12:35:00.000', hours: [10], rows: 15, t: 0.55 },
];

function scores(): Score[] {
  const out: Score[] = [];
  for (const [n, c] of CYCLES.entries())
    for (const hour of c.hours)
      for (let i = 0; i < c.rows; i++) {
        const score = ((i * 7 + n * 13) % 40) / 40 + 0.01;
        out.push({
          scored_at: c.at,
          cycle_id: c.id,
          model_version: c.model,
          hour: `2026-11-20 ${String(hour).padStart(2, '0')}:00:00`,
          host: i % 3 === 0 ? 'shop.example' : 'www.example',
          src_ip: `198.51.100.${i}`,
          ja4: JA4S[i % 2],
          score,
          threshold: c.t,
          is_anomaly: score >= c.t,
        });
      }
  return out;
}

/** The newest scoring of each feature row, whichever model wrote it. */
function current(all: Score[], ja4?: string): Score[] {
  const byKey = new Map<string, Score>();
  for (const s of all) {
    const k = [s.src_ip, s.hour, s.host, s.ja4].join('|');
    const had = byKey.get(k);
    if (!had || had.scored_at < s.scored_at) byKey.set(k, s);
  }
  return [...byKey.values()].filter((s) => ja4 === undefined || s.ja4 === ja4);
}

const STORED = `SELECT src_ip, toString(hour) AS hour, toString(host) AS host, toString(ja4) AS ja4,
    toString(scored_at) AS scored_at, score, threshold, is_anomaly
  FROM ja4_processing.ml_current_scores FINAL ORDER BY hour, ja4, host, src_ip`;
const range = { from: Date.UTC(2026, 10, 20, 0) / 1000, to: Date.UTC(2026, 10, 21, 0) / 1000, step: 3600 };

async function rerunMigration(name = '0035_create_ml_current_scores'): Promise<void> {
  const file = join(defaultMigrationsDir(), `${name}.up.sql`);
  for (const query of splitStatements(readFileSync(file, 'utf8')))
    await handle.client.command({ query, clickhouse_settings: { async_insert: 0 } });
}

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-current-scores'));
  await migrateUp(handle.client);
  const all = scores();
  // Cycle by cycle, in several blocks, as the detector writes.
  for (const c of CYCLES) {
    const mine = all.filter((s) => s.cycle_id === c.id);
    for (let i = 0; i < mine.length; i += 25)
      await handle.client.insert({
        table: 'ja4_processing.ml_all_scores',
        values: mine.slice(i, i + 25),
        format: 'JSONEachRow',
        clickhouse_settings: { async_insert: 0 },
      });
    // As the detector does after writing a cycle's scores.
    await refreshScoreHistogram(
      handle.client,
      c.hours.map((h) => `2026-11-20 ${String(h).padStart(2, '0')}:00:00`),
    );
  }
});
afterAll(async () => cleanup?.());

describe('ml_all_scores -> mv_ml_current_scores -> ml_current_scores', () => {
  it('keeps, read with FINAL, exactly the newest scoring of each feature row across models', async () => {
    const want = current(scores());
    const got = await rows<Score>(handle, STORED);
    expect(got).toHaveLength(want.length);
    const byKey = new Map(want.map((s) => [[s.src_ip, s.hour, s.host, s.ja4].join('|'), s]));
    for (const g of got) {
      const w = byKey.get([g.src_ip, g.hour, g.host, g.ja4].join('|'));
      expect([g.scored_at, g.score, g.is_anomaly], `${g.src_ip} ${g.hour}`).toEqual([
        w?.scored_at,
        w?.score,
        w?.is_anomaly,
      ]);
    }
    expect(new Set(got.map((g) => g.scored_at)).size).toBe(3);
  });

  it('draws the histogram from the newest scorings, over all rows and over one JA4', async () => {
    for (const ja4 of [undefined, JA4S[1]]) {
      const want = current(scores(), ja4);
      const got = await scoreHistogram(handle.client, range, ja4 === undefined ? {} : { ja4 });
      expect(got.scored_rows).toBe(want.length);
      // The newest cycle's threshold (c), though hour 9's rows were last scored under a's 0.6.
      expect(got.threshold).toBe(0.55);
      for (const [b, h] of got.histogram.entries()) {
        const mine = want.filter((s) => Math.min(Math.floor(s.score * 40), 39) === b);
        expect([h.rows, h.flagged], `bucket ${b}`).toEqual([
          mine.length,
          mine.filter((s) => s.is_anomaly).length,
        ]);
      }
    }
  });

  it('is filled by its migration from the rows scored before it, and the same when run again', async () => {
    const before = await rows(handle, STORED);
    await handle.client.command({ query: 'TRUNCATE TABLE ja4_processing.ml_current_scores' });
    expect(await rows(handle, STORED)).toEqual([]);
    await rerunMigration();
    expect(await rows(handle, STORED)).toEqual(before);
    await rerunMigration();
    expect(await rows(handle, STORED)).toEqual(before);
  });

  it('fills the per-hour histograms from the scores already current, the same when run again', async () => {
    const before = await scoreHistogram(handle.client, range, {});
    expect(before.scored_rows).toBe(current(scores()).length);
    await handle.client.command({ query: 'TRUNCATE TABLE ja4_processing.ml_score_histogram_1h' });
    expect((await scoreHistogram(handle.client, range, {})).scored_rows).toBe(0);
    for (let i = 0; i < 2; i++) {
      await rerunMigration('0037_create_ml_score_histogram_1h');
      expect(await scoreHistogram(handle.client, range, {})).toEqual(before);
    }
  });
});
