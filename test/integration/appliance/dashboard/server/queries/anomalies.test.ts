import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../../appliance/common/migrate/index.js';
import {
  ANOMALY_SORTS,
  type AnomalyQuery as AnomalyFilter,
  type FlaggedIpRow as AnomalyRow,
  exportAnomalies,
  listAnomalies,
} from '../../../../../../appliance/dashboard/server/queries/anomalies.js';
import { openEmbedded, rows } from '../../../common/migrate/helpers.js';

// listAnomalies and exportAnomalies against answers computed here in plain JS from the rows
// inserted: the rows of each hour's newest cycle (detected_at), per-IP aggregates, filters,
// sorts, pages and totals. No top score is tied within an IP, so "the top row" is well defined.

const H = Math.floor(Date.now() / 3_600_000) * 3600 - 7200; // two whole hours ago
const HR = 3600;
const DAY = 86_400;
const RANGE = { from: H - 4 * HR + 600, to: H + HR, step: 3600 }; // hours H-4h .. H

interface Anomaly {
  src_ip: string;
  hour: number;
  host: string;
  ja4: string;
  detected: number;
  score: number;
  requests: number;
  asn: number;
  asn_name: string;
  asn_label: string;
  bot_ip_label: string;
  bot_ja4_label: string;
  top_user_agent: string;
  reason: string;
  /** The structured reasons (migration 0031); [] as in rows written without them. */
  reasons: Reason[];
}

interface Reason {
  code: string;
  words: string;
  value: string;
  typical: string;
}

/** A row as the detector writes it: the reasons, and their words joined as the `reason` text. */
const why = (...reasons: Reason[]) => ({ reasons, reason: reasons.map((r) => r.words).join('; ') });

const base = {
  host: 'shop.example',
  ja4: 't13d1516h2_8daaf6152771_02713d6af862',
  requests: 1,
  asn: 64500,
  asn_name: 'ExampleHost',
  asn_label: 'hosting',
  bot_ip_label: '',
  bot_ja4_label: '',
  top_user_agent: 'python-requests/2.31.0',
  reason: 'odd',
  reasons: [],
};
const A = '203.0.113.10';
const B = '198.51.100.7';
const C = '192.0.2.33';
const D = '2001:db8::5';
const E = '203.0.113.200';
const F = '198.51.100.77';
const G = '203.0.113.45';
const S = '192.0.2.99'; // flagged only by an older cycle of its hour: not current
const a = (over: Partial<Anomaly> & Pick<Anomaly, 'src_ip' | 'hour' | 'score'>): Anomaly => ({
  ...base,
  detected: over.hour + 900,
  ...over,
});

// Each inner list is one insert (one part). Rows of one hour share the cycle time (hour + 900)
// unless said otherwise. S: flagged at H-2h by a cycle older than the one that flagged B and F
// there, so the detector no longer holds it. A: one key rescored (0.95, 100 requests, "zebra"
// -> 0.62, 10 requests), the newest inserted first; only the newest counts. B: the top row is a
// human AS; a lower row is a hosting AS with the text "needle" and a bot label. Some rows carry
// structured reasons as the detector writes them, the others only the text (as rows written
// before migration 0031); A's replaced version has structured reasons its newest one lacks.
const INSERTS: Anomaly[][] = [
  [
    a({
      src_ip: A,
      hour: H - 3 * HR,
      score: 0.62,
      requests: 10,
      detected: H - 3 * HR + 1500,
      reason: 'rescored: calmer',
    }),
    a({
      src_ip: B,
      hour: H - 2 * HR,
      score: 0.9,
      requests: 3,
      asn: 64501,
      asn_name: 'Residential ISP',
      asn_label: 'human',
      ...why({
        code: 'ua_tls_mismatch',
        words: 'UA claims Chrome, TLS says Python',
        value: '1',
        typical: '0',
      }),
      top_user_agent: 'Mozilla/5.0 Chrome/120',
    }),
    a({
      src_ip: C,
      hour: H - 4 * HR,
      score: 0.8,
      requests: 50,
      ja4: 't13d190900_9dc949149365_97f8aa674fd9',
      bot_ja4_label: 'go-http-client',
      reason: 'steady crawler',
    }),
    a({ src_ip: F, hour: H - 2 * HR, score: 0.58, requests: 1, reason: 'few requests' }),
    a({
      src_ip: S,
      hour: H - 2 * HR,
      score: 0.99,
      requests: 500,
      detected: H - 2 * HR + 300,
      reason: 'stale',
    }),
  ],
  [
    a({
      src_ip: A,
      hour: H - 3 * HR,
      score: 0.95,
      requests: 100,
      detected: H - 3 * HR + 600,
      ...why({ code: 'model_score', words: 'first look: zebra pattern', value: '0.950', typical: '0.50' }),
    }),
    a({
      src_ip: A,
      hour: H - HR,
      host: 'api.example',
      score: 0.7,
      requests: 5,
      ...why({ code: 'ratio_4xx', words: 'burst of 4xx', value: '0.8', typical: '' }),
    }),
    a({
      src_ip: B,
      hour: H,
      score: 0.55,
      requests: 7,
      asn: 64502,
      asn_name: 'Other Hosting',
      bot_ip_label: 'scanner',
      reason: 'a needle in a lower row',
    }),
    a({ src_ip: C, hour: H + HR, score: 0.99, requests: 9 }), // after the range: recurrence only
    a({ src_ip: C, hour: H - 3 * DAY, score: 0.5 }), // before the range: recurrence only
    a({ src_ip: C, hour: H - 40 * DAY, score: 0.97 }), // older than the 30-day window
    a({
      src_ip: D,
      hour: H - HR,
      host: 'api.example',
      score: 0.66,
      requests: 2,
      asn: 0,
      asn_name: 'unknown',
      asn_label: 'unknown',
      top_user_agent: 'curl/8.5.0',
    }),
    a({ src_ip: E, hour: H - 5 * HR, score: 0.9 }), // before the range's first hour
    a({
      src_ip: F,
      hour: H - 2 * HR,
      host: 'api.example',
      score: 0.61,
      requests: 2,
      ...why(
        { code: 'declared_tool', words: 'tls python', value: '', typical: '' },
        { code: 'network_kind', words: 'a "hosting" network/AS \\ é', value: 'hosting', typical: '' },
      ),
    }),
    a({
      src_ip: G,
      hour: H - HR,
      score: 0.6,
      requests: 4,
      asn: 64503,
      asn_name: 'Cloud Co',
      ...why({
        code: 'requests_log',
        words: '40 requests in the hour (typical human: 3)',
        value: '40',
        typical: '3',
      }),
    }),
  ],
];
const ALL = INSERTS.flat();

const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
const has = (text: string, q: string) => text.toLowerCase().includes(q.toLowerCase());

/** The expected rows for a filter, sorted as asked, from the inserted rows alone. */
function reference(f: AnomalyFilter, range = RANGE): AnomalyRow[] {
  const newest = new Map<number, number>();
  for (const r of ALL) newest.set(r.hour, Math.max(newest.get(r.hour) ?? -1, r.detected));
  const first = Math.floor(range.from / HR) * HR;
  const inRange = ALL.filter(
    (r) => r.detected === newest.get(r.hour) && r.hour >= first && r.hour < range.to,
  );
  const window = Math.floor((Date.now() / 1000 - 30 * DAY) / DAY) * DAY;
  const out: AnomalyRow[] = [];
  for (const ip of new Set(inRange.map((r) => r.src_ip))) {
    const mine = inRange.filter((r) => r.src_ip === ip);
    const top = mine.reduce((x, y) => (y.score > x.score ? y : x));
    const hours = mine.map((r) => r.hour);
    const recent = ALL.filter((r) => r.src_ip === ip && r.hour >= window).map((r) => r.hour);
    const row: AnomalyRow = {
      src_ip: ip,
      score: top.score,
      reasons: top.reason,
      reasons_json: JSON.stringify(top.reasons),
      requests: mine.reduce((n, r) => n + r.requests, 0),
      ja4s: [...new Set(mine.map((r) => r.ja4))].sort(),
      hosts: [...new Set(mine.map((r) => r.host))].sort(),
      asn: top.asn,
      asn_name: top.asn_name,
      asn_label: top.asn_label,
      bot_ip_label:
        mine
          .map((r) => r.bot_ip_label)
          .sort()
          .at(-1) ?? '',
      bot_ja4_label:
        mine
          .map((r) => r.bot_ja4_label)
          .sort()
          .at(-1) ?? '',
      top_user_agent: top.top_user_agent,
      first_seen: iso(Math.min(...hours)),
      last_seen: iso(Math.max(...hours) + HR),
      recurrence_days: new Set(recent.map((h) => Math.floor(h / DAY))).size,
      recurrence_hours: new Set(recent).size,
    };
    const q = f.q ?? '';
    // Reasons are searched without their numbers; "AS64503" or "64503" names an AS exactly.
    const words = (t: string) => t.replace(/[0-9]+/g, '#');
    const asn = /^(?:as)?([0-9]+)$/i.exec(q.trim());
    const text = (r: Anomaly) =>
      [r.src_ip, r.asn_name, words(r.reason), r.ja4, r.host, r.bot_ip_label, r.bot_ja4_label].some((t) =>
        has(t, q),
      ) ||
      (asn !== null && r.asn === Number(asn[1]));
    if (row.score < (f.min_score ?? 0)) continue;
    if (f.asn_label && row.asn_label !== f.asn_label) continue;
    if (q && !mine.some(text)) continue;
    out.push(row);
  }
  // Addresses sort by number: IPv4 (as IPv4-mapped IPv6) before IPv6.
  const ipKey = (ip: string) =>
    ip.includes(':')
      ? `1${ip
          .split(':')
          .map((g) => g.padStart(4, '0'))
          .join(':')}`
      : `0${ip
          .split('.')
          .map((o) => o.padStart(3, '0'))
          .join('.')}`;
  const key = (r: AnomalyRow) => (f.sort === 'src_ip' ? ipKey(r.src_ip) : r[f.sort]);
  const sign = f.order === 'asc' ? 1 : -1;
  return out.sort((x, y) => {
    const kx = key(x);
    const ky = key(y);
    if (kx !== ky) return (kx < ky ? -1 : 1) * sign;
    return x.src_ip < y.src_ip ? -1 : 1;
  });
}

/** Rows in a comparable form: sets sorted, the reasons' JSON re-serialised (escaping may differ). */
const sorted = (rs: AnomalyRow[]) =>
  rs.map((r) => ({
    ...r,
    reasons_json: JSON.stringify(JSON.parse(r.reasons_json)),
    ja4s: [...r.ja4s].sort(),
    hosts: [...r.hosts].sort(),
  }));

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-dash-anomalies'));
  await migrateUp(handle.client);
  for (const batch of INSERTS) {
    await handle.client.insert({
      table: 'ja4_processing.ml_detected_anomalies',
      values: batch.map(({ detected, ...r }) => ({
        ...r,
        detected_at: detected * 1000,
        threshold: 0.5,
        cycle_id: `c${detected}`,
        model_version: 'test',
        features: {},
      })),
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0, date_time_input_format: 'best_effort' },
    });
  }
});
afterAll(async () => cleanup?.());

const FILTERS: Omit<AnomalyFilter, 'sort' | 'order'>[] = [
  {},
  { min_score: 0.65 },
  { asn_label: 'hosting' },
  { q: 'NEEDLE' }, // only in B's lower-scored row
  { q: 'zebra' }, // only in A's replaced version: no match
  { q: 'examplehost' },
  { q: '113.4' },
  { q: 'REQUESTS in the hour' }, // G's reason, without its numbers
  { q: '40 requests' }, // numbers inside a reason are not searched: no match
  { q: 'AS64503' }, // G's AS number, exactly
  { q: '64501' }, // B's top row

  { q: 'go-http' },
  { q: 'examplehostodd' }, // an AS name's end and the next column's start: no match
  { q: 'examplehost\u0000odd' }, // NUL, which joins the columns in search_text (0042): no match
  { q: 'odd\u0000' },
  { asn_label: 'hosting', min_score: 0.6, q: 'example' },
];

describe('listAnomalies on the embedded engine', () => {
  it('the data holds what the reference assumes: one key in two versions, a stale address', async () => {
    const count = async (ip: string, h: number) => {
      const [n] = await rows<{ n: number }>(
        handle,
        'SELECT count() AS n FROM ja4_processing.ml_detected_anomalies WHERE src_ip = {ip:String} AND hour = toDateTime({h:UInt32})',
        { ip, h },
      );
      return Number(n.n);
    };
    expect(await count(A, H - 3 * HR)).toBe(2);
    expect(await count(S, H - 2 * HR)).toBe(1);
    expect(reference({ sort: 'score', order: 'desc' }).map((r) => r.src_ip)).toEqual([B, C, A, D, F, G]);
  });

  it('matches the reference for every sort, order and filter, with the response shape unchanged', async () => {
    for (const filter of FILTERS)
      for (const sort of ANOMALY_SORTS)
        for (const order of ['asc', 'desc'] as const) {
          const f = { ...filter, sort, order };
          const want = reference(f);
          const got = await listAnomalies(handle.client, RANGE, f, { offset: 0, limit: 100 });
          expect({ total: got.total, rows: sorted(got.rows) }, JSON.stringify(f)).toEqual({
            total: want.length,
            rows: want,
          });
          for (const r of got.rows) expect(Object.keys(r)).toEqual(Object.keys(want[0]));
        }
  });

  it('matches the reference on ranges of one hour, where one cycle is the newest of every hour', async () => {
    // The one-cycle case compares detected_at with a constant instead of looking up each row's
    // hour (current-anomalies.ts): H-3h holds A's key in two versions, H-2h the stale S.
    for (const hour of [H - 3 * HR, H - 2 * HR, H - HR]) {
      const range = { from: hour, to: hour + HR, step: 3600 };
      for (const filter of FILTERS)
        for (const sort of ['score', 'requests'] as const) {
          const f = { ...filter, sort, order: 'desc' as const };
          const want = reference(f, range);
          const got = await listAnomalies(handle.client, range, f, { offset: 0, limit: 100 });
          expect({ total: got.total, rows: sorted(got.rows) }, `${hour} ${JSON.stringify(f)}`).toEqual({
            total: want.length,
            rows: want,
          });
        }
    }
    expect(
      reference({ sort: 'score', order: 'desc' }, { from: H - 2 * HR, to: H - HR, step: 3600 }).map(
        (r) => r.src_ip,
      ),
    ).toEqual([B, F]);
  });

  it('pages with the full total on every page, and past the last one', async () => {
    for (const sort of ['score', 'requests', 'recurrence_days'] as const) {
      const f: AnomalyFilter = { sort, order: 'desc' };
      const want = reference(f);
      const seen: AnomalyRow[] = [];
      for (let offset = 0; offset < want.length; offset += 2) {
        const page = await listAnomalies(handle.client, RANGE, f, { offset, limit: 2 });
        expect(page.total).toBe(want.length);
        seen.push(...page.rows);
      }
      expect(sorted(seen)).toEqual(want);
      const past = await listAnomalies(handle.client, RANGE, f, { offset: 50, limit: 2 });
      expect({ total: past.total, rows: past.rows }).toEqual({ total: want.length, rows: [] });
    }
  });

  it('exports the same rows as the list for the same filter', async () => {
    for (const filter of FILTERS) {
      const f: AnomalyFilter = { ...filter, sort: 'score', order: 'desc' };
      expect(sorted(await exportAnomalies(handle.client, RANGE, f, 1000)), JSON.stringify(f)).toEqual(
        reference(f),
      );
    }
  });

  it('reports the same recurrence as view_ip_recurrence', async () => {
    const view = await rows<{ src_ip: string; days: number; hours: number }>(
      handle,
      'SELECT src_ip, days_flagged AS days, hours_flagged AS hours FROM ja4_processing.view_ip_recurrence',
    );
    const { rows: listed } = await listAnomalies(
      handle.client,
      RANGE,
      { sort: 'src_ip', order: 'asc' },
      { offset: 0, limit: 100 },
    );
    for (const r of listed) {
      const v = view.find((x) => x.src_ip === r.src_ip);
      expect([r.recurrence_days, r.recurrence_hours], r.src_ip).toEqual([Number(v?.days), Number(v?.hours)]);
    }
  });
});
