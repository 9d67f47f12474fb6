import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { detectedAnomaly } from './fixtures.js';
import { openEmbedded, rows } from './helpers.js';

// What migrations 0020, 0021 and 0042 add to ml_detected_anomalies for the dashboard's anomalies
// page: reason_words (the reason with digit runs as '#', filled by ClickHouse on insert),
// search_text (the searched text columns joined with NUL, likewise) and the hour_cycles projection (each hour's newest detected_at), checked against answers computed here
// and against the same query with projections turned off, before and after a deduplicating merge.

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

const H1 = '2026-11-20 09:00:00';
const H2 = '2026-11-20 10:00:00';
const A = '2026-11-20 11:05:00.000'; // cycle A scored H1 and H2
const B = '2026-11-20 12:05:00.000'; // cycle B rescored H2 only

interface Row {
  detected_at: string;
  hour: string;
  src_ip: string;
  reason: string;
  asn_name?: string;
  bot_ja4_label?: string;
}

// One insert per cycle and one more for B (three parts); B rewrites A's key 198.51.100.1 in H2.
const INSERTS: Row[][] = [
  [
    {
      detected_at: A,
      hour: H1,
      src_ip: '198.51.100.1',
      reason: '40 requests in the hour (typical human: 3)',
    },
    { detected_at: A, hour: H2, src_ip: '198.51.100.1', reason: 'TLS client offers 59 cipher suites' },
    {
      detected_at: A,
      hour: H2,
      src_ip: '198.51.100.2',
      reason: 'from a hosting network (AS204428 M247)',
      asn_name: 'M247 Europe',
      bot_ja4_label: 'go-http-client',
    },
  ],
  [{ detected_at: B, hour: H2, src_ip: '198.51.100.1', reason: '0.80% of its requests; since 2026-11-19' }],
  [{ detected_at: B, hour: H2, src_ip: '198.51.100.3', reason: 'no digits at all' }],
];

// As currentCycles() asks it (JSON prints DateTime as 'YYYY-MM-DD hh:mm:ss', DateTime64(3) with .mmm).
const CYCLES = `SELECT hour, max(detected_at) AS at
  FROM ja4_processing.ml_detected_anomalies
  WHERE hour >= toDateTime('2026-11-20 00:00:00', 'UTC') AND hour < toDateTime('2026-11-21 00:00:00', 'UTC')
  GROUP BY hour ORDER BY hour`;

async function plan(query: string): Promise<string> {
  const lines = await rows<{ explain: string }>(handle, `EXPLAIN ${query}`);
  return lines.map((l) => l.explain).join('\n');
}

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-anomaly-search'));
  await migrateUp(handle.client);
  for (const batch of INSERTS)
    await handle.client.insert({
      table: 'ja4_processing.ml_detected_anomalies',
      values: batch.map((r) => detectedAnomaly({ ...r, cycle_id: r.detected_at })),
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
});
afterAll(async () => cleanup?.());

describe('ml_detected_anomalies search columns (0020, 0021, 0042)', () => {
  it('fills reason_words on insert: the reason with each run of digits as #', async () => {
    const got = await rows<{ reason: string; reason_words: string }>(
      handle,
      'SELECT reason, reason_words FROM ja4_processing.ml_detected_anomalies ORDER BY reason',
    );
    expect(got.length).toBe(5);
    for (const r of got) expect(r.reason_words, r.reason).toBe(r.reason.replace(/[0-9]+/g, '#'));
    expect(got.map((r) => r.reason_words)).toContain('#.#% of its requests; since #-#-#');
  });

  it('fills search_text on insert: AS name, reason words, JA4, host and bot labels joined with NUL', async () => {
    const got = await rows<{ src_ip: string; search_text: string }>(
      handle,
      `SELECT src_ip, search_text FROM ja4_processing.ml_detected_anomalies
       WHERE src_ip = '198.51.100.2' ORDER BY src_ip`,
    );
    expect(got).toEqual([
      {
        src_ip: '198.51.100.2',
        search_text: [
          'M247 Europe',
          'from a hosting network (AS# M#)',
          't13d1516h2_8daaf6152771_02713d6af862',
          'shop.example',
          '',
          'go-http-client',
        ].join('\u0000'),
      },
    ]);
  });

  it('answers each hour’s newest cycle from the hour_cycles projection, equal to a full scan', async () => {
    const want = [
      { hour: H1, at: A },
      { hour: H2, at: B },
    ];
    expect(await plan(CYCLES)).toMatch(/ReadFromMergeTree \(hour_cycles\)/);
    expect(await rows(handle, CYCLES)).toEqual(want);
    const scan = `${CYCLES} SETTINGS optimize_use_projections = 0`;
    expect(await plan(scan)).not.toMatch(/hour_cycles/);
    expect(await rows(handle, scan)).toEqual(want);
  });

  it('keeps the projection exact through a deduplicating merge', async () => {
    await handle.client.command({ query: 'OPTIMIZE TABLE ja4_processing.ml_detected_anomalies FINAL' });
    const [{ n }] = await rows<{ n: string }>(
      handle,
      'SELECT count() AS n FROM ja4_processing.ml_detected_anomalies',
    );
    expect(Number(n)).toBe(4); // A's version of 198.51.100.1 in H2 merged away
    expect(await plan(CYCLES)).toMatch(/ReadFromMergeTree \(hour_cycles\)/);
    expect(await rows(handle, CYCLES)).toEqual([
      { hour: H1, at: A },
      { hour: H2, at: B },
    ]);
  });
});
