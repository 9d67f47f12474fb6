import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../../appliance/common/migrate/index.js';
import { anomalyScope } from '../../../../../../appliance/dashboard/server/queries/anomaly-scope.js';
import { topReasons } from '../../../../../../appliance/dashboard/server/queries/detections.js';
import { openEmbedded } from '../../../common/migrate/helpers.js';

// The detections page's top reasons, against a reference computed here from the rows inserted:
// over the current cycle of each hour, each structured reason counts once under its code, a row
// with only the joined text (rows scored before structured reasons) once under 'text' with its
// words; numbers in the words become '#'. Known bots are left out unless asked for.

interface Reason {
  code: string;
  words: string;
  value: string;
  typical: string;
}
interface Row {
  src_ip: string;
  host: string;
  hour: number;
  detected: number;
  bot_ip_label?: string;
  reasons: Reason[];
  reason?: string;
}
const H1 = Date.UTC(2026, 10, 20, 10) / 1000;
const H2 = Date.UTC(2026, 10, 21, 10) / 1000;
const day = (h: number) => ({ from: h - 10 * 3600, to: h + 14 * 3600, step: 3600 });
const why = (code: string, words: string): Reason => ({ code, words, value: '1', typical: '0' });
const now = (src_ip: string, reasons: Reason[], over: Partial<Row> = {}): Row => ({
  src_ip,
  host: 'shop.example',
  hour: H1,
  detected: H1 + 1800,
  reasons,
  ...over,
});

const ROWS: Row[] = [
  now('203.0.113.1', [
    why('requests_log', '120 requests in the hour'),
    why('ja4_shared', 'shared by 40 IPs'),
  ]),
  now('203.0.113.2', [why('requests_log', '80 requests in the hour')]),
  now('203.0.113.2', [why('requests_log', '81.5 requests in the hour')], { host: 'www.example' }),
  now('203.0.113.3', [], { reason: '5 requests to login pages (typical human: 0.5)' }),
  now('203.0.113.4', [], { reason: '17 requests to login pages (typical human: 2)' }),
  now('203.0.113.5', [why('known_bot_ip', 'IP on the known-bot list (scanner)')], {
    bot_ip_label: 'scanner',
  }),
  now(
    '203.0.113.9',
    Array.from({ length: 10 }, (_, i) => why(`feature_${i}`, `feature ${i} at ${i * 3}`)),
  ),
  // Flagged by an older cycle of the hour only: not the detector's current verdict.
  now('203.0.113.6', [why('stale_code', 'old reason 1')], { detected: H1 + 900 }),
  // Another day: a structured reason coded 'text' too, and one address on both kinds of row.
  now('198.51.100.7', [], { hour: H2, detected: H2 + 900, reason: 'odd 1' }),
  now('198.51.100.7', [why('text', 'odd 2')], { hour: H2, detected: H2 + 900, host: 'www.example' }),
  now('198.51.100.8', [why('text', 'odd 3')], { hour: H2, detected: H2 + 900 }),
];

function reference(hour: number, bots: boolean) {
  const newest = Math.max(...ROWS.filter((r) => r.hour === hour).map((r) => r.detected));
  const by = new Map<string, { words: Set<string>; rows: number; ips: Set<string> }>();
  for (const r of ROWS) {
    if (r.hour !== hour || r.detected !== newest || (!bots && r.bot_ip_label)) continue;
    // reason_words is the text with its whole numbers as '#' (migration 0020's column).
    const text = { code: 'text', words: (r.reason ?? '').replace(/[0-9]+/g, '#') };
    const items = r.reasons.length > 0 ? r.reasons : [text];
    for (const it of items) {
      const g = by.get(it.code) ?? { words: new Set<string>(), rows: 0, ips: new Set<string>() };
      g.words.add(it.words.replace(/[0-9]+(\.[0-9]+)?/g, '#'));
      g.rows++;
      g.ips.add(r.src_ip);
      by.set(it.code, g);
    }
  }
  return by;
}

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-dash-top-reasons'));
  await migrateUp(handle.client);
  await handle.client.insert({
    table: 'ja4_processing.ml_detected_anomalies',
    values: ROWS.map(({ detected, reason, ...r }) => ({
      ja4: 't13d1516h2_8daaf6152771_02713d6af862',
      score: 0.9,
      threshold: 0.5,
      cycle_id: `c${detected}`,
      model_version: 'test',
      requests: 1,
      asn: 64500,
      asn_name: 'ExampleHost',
      asn_label: 'hosting',
      bot_ip_label: '',
      bot_ja4_label: '',
      top_user_agent: 'curl/8.0',
      features: {},
      ...r,
      detected_at: detected * 1000,
      reason: reason ?? r.reasons.map((x) => x.words).join('; '),
    })),
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0, date_time_input_format: 'best_effort' },
  });
});
afterAll(async () => cleanup?.());

describe('topReasons', () => {
  for (const [name, hour, bots] of [
    ['structured and text-only rows, bots left out', H1, false],
    ['structured and text-only rows, bots included', H1, true],
    ["a structured reason coded 'text' beside text-only rows of the same address", H2, false],
  ] as const)
    it(`counts each code's rows and addresses once: ${name}`, async () => {
      const r = day(hour);
      const got = await topReasons(
        handle.client,
        r,
        await anomalyScope(handle.client, r, bots ? 'include' : 'exclude'),
      );
      const want = reference(hour, bots);
      expect(got.length).toBe(Math.min(10, want.size));
      for (const g of got) {
        const w = want.get(g.code);
        expect(w, g.code).toBeDefined();
        expect([g.rows, g.ips], g.code).toEqual([w?.rows, w?.ips.size]);
        expect(w?.words.has(g.words), `${g.code}: ${g.words}`).toBe(true);
      }
      // The ten with most rows, most first (ties in any order).
      const rows = got.map((g) => g.rows);
      expect(rows).toEqual([...rows].sort((a, b) => b - a));
      const cut = rows.at(-1) ?? 0;
      for (const [code, w] of want) if (w.rows > cut) expect(got.map((g) => g.code)).toContain(code);
    });
});
