import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { HOUR_S, hourText, OVH_IP, PYTHON, TOR_IP } from './fixtures.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-recurrence'));
  await migrateUp(handle.client);
});
afterAll(async () => cleanup?.());

describe('view_ip_recurrence', () => {
  const day = 86_400;
  async function anomaly(src_ip: string, hourS: number, score: number, detectedS: number) {
    await handle.client.insert({
      table: 'ja4_processing.ml_detected_anomalies',
      values: [
        {
          detected_at: detectedS * 1000,
          hour: hourS,
          host: 'shop.example',
          src_ip,
          ja4: PYTHON,
          score,
          threshold: 0.5,
          cycle_id: `c${detectedS}`,
          model_version: 'test',
          requests: 4,
          asn: 205100,
          asn_name: 'F3',
          asn_label: 'tor',
          bot_ip_label: 'tor_exit',
          bot_ja4_label: 'python-requests',
          top_user_agent: 'python-requests/2.31.0',
          reason: 'test',
          features: { ratio_4xx: 0.75 },
        },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0, date_time_input_format: 'best_effort' },
    });
  }

  it('counts each (hour, host, ja4) once, keeps the newest score, and ignores rows older than 30 days', async () => {
    await anomaly(TOR_IP, HOUR_S - day, 0.7, HOUR_S - day + 600);
    await anomaly(TOR_IP, HOUR_S, 0.8, HOUR_S + 600);
    await anomaly(TOR_IP, HOUR_S, 0.9, HOUR_S + 1200); // a later cycle rescored the same hour
    await anomaly(TOR_IP, HOUR_S - 31 * day, 0.99, HOUR_S - 31 * day + 600); // outside the window
    await anomaly(OVH_IP, HOUR_S, 0.6, HOUR_S + 600);
    const got = await rows<Record<string, unknown>>(
      handle,
      'SELECT src_ip, anomalies, days_flagged, hours_flagged, toString(first_flagged) AS first, toString(last_flagged) AS last, max_score, mean_score, asn_label FROM ja4_processing.view_ip_recurrence ORDER BY src_ip',
    );
    expect(got).toEqual(
      [
        {
          src_ip: TOR_IP,
          anomalies: 2,
          days_flagged: 2,
          hours_flagged: 2,
          first: hourText(HOUR_S - day),
          last: hourText(HOUR_S),
          max_score: 0.9,
          mean_score: 0.8,
          asn_label: 'tor',
        },
        {
          src_ip: OVH_IP,
          anomalies: 1,
          days_flagged: 1,
          hours_flagged: 1,
          first: hourText(HOUR_S),
          last: hourText(HOUR_S),
          max_score: 0.6,
          mean_score: 0.6,
          asn_label: 'tor',
        },
      ].sort((a, b) => (a.src_ip < b.src_ip ? -1 : 1)),
    );
  });

  it('is written without FINAL and prunes partitions by hour', async () => {
    const [view] = await rows<{ q: string }>(
      handle,
      "SELECT create_table_query AS q FROM system.tables WHERE database = 'ja4_processing' AND name = 'view_ip_recurrence'",
    );
    expect(view.q).not.toMatch(/\bFINAL\b/i);
    const plan = (
      await rows<{ explain: string }>(
        handle,
        'EXPLAIN indexes = 1 SELECT * FROM ja4_processing.view_ip_recurrence',
      )
    )
      .map((r) => r.explain)
      .join('\n');
    expect(plan).toMatch(/Partition[\s\S]*?Condition: (?!true)/);
  });
});
