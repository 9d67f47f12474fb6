import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { backfillSql } from '../../../../../scripts/lib/bench-dashboard-backfill.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

interface Score {
  scored_at: string;
  cycle_id: string;
  model_version: string;
  hour: string;
  host: string;
  src_ip: string;
  ja4: string;
  is_anomaly: boolean;
  requests: number;
  bot_ip_label: string;
  bot_ja4_label: string;
}

// Two cycles over two hours; cycle B rescored hour 10 (with a new model, as the detector rescores a
// closed hour only then) and flags less there. Every fourth row of a flagged pair carries a bot
// label, so the summary must leave it out. One row per feature row and model: ml_all_scores keeps
// one current score per (src_ip, hour, host, ja4, model_version) (migration 0030).
function scores(): Score[] {
  const out: Score[] = [];
  const cycles = [
    {
      id: 'cycle-a',
      at: '2026-11-20 11:05:00.000',
      hours: ['2026-11-20 09:00:00', '2026-11-20 10:00:00'],
      every: 2,
    },
    { id: 'cycle-b', at: '2026-11-20 12:05:00.000', hours: ['2026-11-20 10:00:00'], every: 5 },
  ];
  for (const c of cycles)
    for (const hour of c.hours)
      for (let i = 0; i < 40; i++)
        out.push({
          scored_at: c.at,
          cycle_id: c.id,
          model_version: `model-${c.id}`,
          hour,
          host: i % 3 === 0 ? 'shop.example' : 'www.example',
          src_ip: `198.51.100.${i}`,
          ja4: i % 2 ? 't13d1516h2_8daaf6152771_02713d6af862' : 't13d301000_01455d0db58d_5ac7197df9d2',
          is_anomaly: i % c.every === 0,
          requests: 1 + (i % 7),
          bot_ip_label: i % 4 === 0 ? 'scanner' : '',
          bot_ja4_label: '',
        });
  return out;
}

const STORED = `
  SELECT toString(hour) AS h, toString(host) AS host, toString(ja4) AS ja4, cycle_id, toString(max(cycle_at)) AS at,
         sum(scored_rows) AS scored, sum(flagged_rows) AS flagged, sum(flagged_requests) AS req,
         uniqCombinedMerge(12)(flagged_ips) AS ips
  FROM ja4_processing.ml_anomaly_summary_1h GROUP BY h, host, ja4, cycle_id ORDER BY h, host, ja4, cycle_id`;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-anomaly-summary'));
  await migrateUp(handle.client);
  const all = scores();
  // In several blocks, as the detector writes a large cycle.
  for (let i = 0; i < all.length; i += 25)
    await handle.client.insert({
      table: 'ja4_processing.ml_all_scores',
      values: all.slice(i, i + 25),
      format: 'JSONEachRow',
    });
});
afterAll(async () => cleanup?.());

describe('ml_all_scores -> mv_ml_anomaly_summary_1h -> ml_anomaly_summary_1h', () => {
  it('sums each cycle per (hour, host, JA4): scored rows, and flagged rows without a bot label', async () => {
    const want = new Map<string, { scored: number; flagged: number; req: number; ips: Set<string> }>();
    for (const s of scores()) {
      const k = [s.hour, s.host, s.ja4, s.cycle_id].join('|');
      const w = want.get(k) ?? { scored: 0, flagged: 0, req: 0, ips: new Set<string>() };
      w.scored++;
      if (s.is_anomaly && !s.bot_ip_label && !s.bot_ja4_label) {
        w.flagged++;
        w.req += s.requests;
        w.ips.add(s.src_ip);
      }
      want.set(k, w);
    }
    const got = await rows<Record<string, string | number>>(handle, STORED);
    expect(got).toHaveLength(want.size);
    for (const g of got) {
      const w = want.get([g.h, g.host, g.ja4, g.cycle_id].join('|'));
      expect(w, `${g.h} ${g.host} ${g.ja4} ${g.cycle_id}`).toBeDefined();
      expect([Number(g.scored), Number(g.flagged), Number(g.req), Number(g.ips)]).toEqual([
        w?.scored,
        w?.flagged,
        w?.req,
        w?.ips.size,
      ]);
    }
    expect(got.some((g) => Number(g.flagged) > 0)).toBe(true);
  });

  it("is refilled identically by the benchmark's backfill (the view's own SELECT)", async () => {
    const before = await rows(handle, STORED);
    await handle.client.command({ query: 'TRUNCATE TABLE ja4_processing.ml_anomaly_summary_1h' });
    expect(await rows(handle, STORED)).toEqual([]);
    await handle.client.command({
      query: backfillSql('ml_anomaly_summary_1h'),
      clickhouse_settings: { async_insert: 0 },
    });
    expect(await rows(handle, STORED)).toEqual(before);
  });
});
