import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_ASN_KINDS } from '../../../../../../appliance/common/migrate/index.js';
import { blocklistSources } from '../../../../../../appliance/dashboard/server/queries/blocklist-sources.js';
import { scoreHistogram } from '../../../../../../appliance/dashboard/server/queries/detections.js';
import { ipDetail } from '../../../../../../appliance/dashboard/server/queries/ip-detail.js';
import { insertRawLines } from '../../../../../../appliance/demo/index.js';
import { type CycleResult, runCycle } from '../../../../../../appliance/detector/index.js';
import { type SeededAppliance, seededAppliance } from '../../../../../helpers/seeded-appliance.js';

// What the dashboard reads of ml_all_scores once the detector scores incrementally: after a full
// cycle, new requests of one flagged address make the next cycle write only the rows that
// changed (and the hour's flagged rows it carries forward). The current score of a feature row is
// its newest scoring, whichever cycle wrote it; the references here are computed in plain JS from
// the stored rows and requests. Network kinds are the reference data's (isp, hosting, ...).

let env: SeededAppliance;
let second: CycleResult;
let busyIp = '';
let busyHour = 0;
const range = { from: 0, to: 0, step: 900 };

async function q<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await env.ch.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

interface ScoreRow {
  key: string;
  hour: number;
  at: string;
  score: number;
  flagged: number;
  asn_label: string;
  model: string;
  features: Record<string, number>;
}

/** Every stored scoring of the range, oldest first. */
const scoreRows = () =>
  q<ScoreRow>(
    `SELECT concat(src_ip, '|', toString(hour), '|', host, '|', ja4) AS key, toUInt32(hour) AS hour,
            toString(scored_at) AS at, score, toUInt8(is_anomaly) AS flagged, toString(asn_label) AS asn_label,
            toString(model_version) AS model, features
     FROM ja4_processing.ml_all_scores
     WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
     ORDER BY scored_at`,
    range,
  );

/** The newest scoring of each feature row. */
function current(rows: ScoreRow[]): ScoreRow[] {
  const byKey = new Map<string, ScoreRow>();
  for (const r of rows) byKey.set(r.key, r); // oldest first: the newest stays
  return [...byKey.values()];
}

beforeAll(async () => {
  env = await seededAppliance('ja4-dash-incremental-');
  range.to = Math.floor(Date.now() / 1000) + 60;
  range.from = range.to - 86400;
  // The flagged address with the most requests in the busiest hour (most feature rows) that has
  // flagged rows without a bot label (the anomalous series counts those).
  const [busy] = await q<{ ip: string; hour: number }>(
    `SELECT src_ip AS ip, toUInt32(hour) AS hour FROM ja4_processing.ml_all_scores
     WHERE is_anomaly AND bot_ip_label = '' AND bot_ja4_label = '' AND hour = (
       SELECT hour FROM ja4_processing.ml_all_scores GROUP BY hour
       HAVING countIf(is_anomaly AND bot_ip_label = '' AND bot_ja4_label = '') > 0
       ORDER BY count() DESC, hour DESC LIMIT 1)
     ORDER BY requests DESC, ip LIMIT 1`,
  );
  busyIp = busy.ip;
  busyHour = busy.hour;
  // Its requests of that hour once more, a microsecond later: the same feature rows, twice the requests.
  const raws = await q<{ raw: string }>(
    `SELECT raw FROM ja4_processing.http_logs_raw
     WHERE JSONExtractString(raw, 'client_ip') = {ip:String}
       AND intDiv(JSONExtractUInt(raw, 'ts_us'), 3600000000) * 3600 = {hour:UInt32}`,
    { ip: busyIp, hour: busyHour },
  );
  const again = raws.map(({ raw }) => {
    const row = JSON.parse(raw);
    return JSON.stringify({ ...row, ts_us: row.ts_us + 1, conn_id: `${row.conn_id}-again` });
  });
  await insertRawLines(env.ch.client, again, 'incremental-scores-again');
  second = await runCycle({ client: env.ch.client, config: env.config, log: pino({ level: 'silent' }) });
}, 240_000);
afterAll(async () => env?.close());

describe('the dashboard on incrementally scored rows', () => {
  it('the data holds what the tests assume: an incremental cycle rewrote part of an hour', async () => {
    expect([second.status, second.kind]).toEqual(['ok', 'incremental']);
    expect(second.rows_written).toBeGreaterThan(0);
    const rows = (await scoreRows()).filter((r) => r.hour === busyHour);
    const newest = rows
      .map((r) => r.at)
      .sort()
      .at(-1);
    const keys = new Set(rows.map((r) => r.key)).size;
    expect(rows.filter((r) => r.at === newest).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.at === newest).length).toBeLessThan(keys);
  });

  it('draws the score histogram over every feature row of the range, each at its newest score', async () => {
    const want = current(await scoreRows());
    const got = await scoreHistogram(env.ch.client, range, {});
    expect(got.scored_rows).toBe(want.length);
    const bucket = (s: number) => Math.min(Math.floor(s * 40), 39);
    for (const [b, h] of got.histogram.entries()) {
      const mine = want.filter((r) => bucket(r.score) === b);
      expect([h.rows, h.flagged], `bucket ${b}`).toEqual([mine.length, mine.filter((r) => r.flagged).length]);
    }
  });

  it("sets an address's features against unflagged rows of access networks scored by the same model", async () => {
    const d = await ipDetail(env.ch.client, busyIp, range);
    const e = d.explanation;
    expect(e).not.toBeNull();
    const rows = current(await scoreRows());
    const model = rows.find((r) => r.key.startsWith(`${busyIp}|`) && r.hour === busyHour)?.model;
    // Not deduplicated: the query medians the stored rows, rescorings included.
    const base = (await scoreRows()).filter(
      (r) => r.model === model && !r.flagged && (ACCESS_ASN_KINDS as string[]).includes(r.asn_label),
    );
    expect(base.length).toBeGreaterThan(10);
    const values = base.map((r) => r.features.requests_log).sort((a, b) => a - b);
    const mid = (values.length - 1) / 2;
    const median = values[Math.floor(mid)] + (values[Math.ceil(mid)] - values[Math.floor(mid)]) * (mid % 1);
    const requests = e?.features.find((f) => f.name === 'requests_log');
    expect(requests?.typical).not.toBeNull();
    expect(Math.abs(Number(requests?.typical) - Math.round(Math.expm1(median)))).toBeLessThanOrEqual(1);
    for (const f of e?.features ?? []) expect(f.typical, f.name).not.toBeNull();
  });

  it('never offers a WAF the JA4 of an unflagged visitor from an access network', async () => {
    const offered = async () => {
      const src = await blocklistSources(
        env.ch.client,
        range,
        { sort: 'score', order: 'desc', bots: 'include' },
        10_000,
        true,
      );
      return { src, ja4s: src.ja4s.filter((j) => j.label === '').map((j) => j.ja4) };
    };
    const before = await offered();
    const flagged = new Set(before.src.rows.map((r) => r.src_ip));
    const visitors = await q<{ ip: string; ja4: string }>(
      `SELECT DISTINCT client_ip AS ip, ja4 FROM ja4_processing.http_logs
       WHERE ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6) AND ja4 != ''
         AND asn_label IN {access:Array(String)}`,
      { ...range, access: ACCESS_ASN_KINDS },
    );
    const human = new Set(visitors.filter((v) => !flagged.has(v.ip)).map((v) => v.ja4));
    expect(before.ja4s.filter((j) => human.has(j))).toEqual([]);
    // An unflagged visitor from an ISP starts using a JA4 the list offered: it leaves the list.
    const ja4 = before.ja4s[0];
    expect(ja4, 'a JA4 without a bot label among the flagged rows').toBeDefined();
    await env.ch.client.insert({
      table: 'ja4_processing.agg_host_ip_ja4_1h',
      values: [
        {
          hour: busyHour,
          host: 'shop.example',
          src_ip: '198.51.100.250',
          ja4,
          hits: 3,
          asn: 64500,
          asn_name: 'Residential ISP',
          asn_label: 'isp',
        },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
    expect((await offered()).ja4s).not.toContain(ja4);
  });
});
