import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Overview, overview } from '../../../../../../appliance/dashboard/server/queries/overview.js';
import { runCycle } from '../../../../../../appliance/detector/index.js';
import { type SeededAppliance, seededAppliance } from '../../../../../helpers/seeded-appliance.js';

// The overview (agg_overview_sets + ml_anomaly_summary_1h) against exact answers computed here
// straight from http_logs and ml_all_scores. A bucket belongs to a range when it starts inside
// it; the range's `from` is a bucket start (5 minutes up to 6 hours, hours above).

let env: SeededAppliance;
let endS = 0;

async function q<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await env.ch.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

const BOT = "(bot_ip_label != '' OR bot_ja4_label != '')";

/** Exact requests, known-bot requests, distinct addresses and per-JA4/host/AS hits. */
async function reference(from: number, to: number, bucketExpr: string) {
  const p = { from, to };
  const inRange = `${bucketExpr} >= toDateTime({from:UInt32}) AND ${bucketExpr} < toDateTime({to:UInt32})`;
  const [tot] = await q<{ requests: string; known_bot: string; ips: string }>(
    `SELECT count() AS requests, countIf(${BOT}) AS known_bot, uniqExact(client_ip) AS ips
     FROM ja4_processing.http_logs WHERE ${inRange}`,
    p,
  );
  const byJa4 = await q<{ ja4: string; hits: string; ips: string }>(
    `SELECT ja4, count() AS hits, uniqExact(client_ip) AS ips FROM ja4_processing.http_logs
     WHERE ${inRange} AND ja4 != '' GROUP BY ja4`,
    p,
  );
  const byHost = await q<{ host: string; hits: string }>(
    `SELECT host, count() AS hits FROM ja4_processing.http_logs WHERE ${inRange} GROUP BY host`,
    p,
  );
  // The detector's newest cycle per (hour, host, JA4); flagged = is_anomaly without a bot label.
  const [flag] = await q<{ anomalous: string; ips: string }>(
    `WITH newest AS (
       SELECT hour, host, ja4, max(scored_at) AS at FROM ja4_processing.ml_all_scores
       WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
       GROUP BY hour, host, ja4),
     flagged AS (
       SELECT s.hour AS hour, s.host AS host, s.ja4 AS ja4, sum(s.requests) AS requests,
              groupUniqArray(s.src_ip) AS ips
       FROM ja4_processing.ml_all_scores AS s
       INNER JOIN newest AS n ON s.hour = n.hour AND s.host = n.host AND s.ja4 = n.ja4 AND s.scored_at = n.at
       WHERE s.is_anomaly AND s.bot_ip_label = '' AND s.bot_ja4_label = ''
       GROUP BY hour, host, ja4),
     other AS (
       SELECT toStartOfHour(ts) AS hour, host, ja4, countIf(NOT ${BOT}) AS n
       FROM ja4_processing.http_logs WHERE ${inRange} GROUP BY hour, host, ja4)
     SELECT sum(least(o.n, f.requests)) AS anomalous,
            (SELECT length(arrayDistinct(arrayFlatten(groupArray(ips)))) FROM flagged) AS ips
     FROM other AS o INNER JOIN flagged AS f ON o.hour = f.hour AND o.host = f.host AND o.ja4 = f.ja4`,
    p,
  );
  return { tot, byJa4, byHost, flag };
}

const within = (got: number, want: number, rel: number) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(1, want * rel));

const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  env = await seededAppliance('ja4-dash-overview-');
  const [last] = await q<{ s: number }>('SELECT toUInt32(max(ts)) AS s FROM ja4_processing.http_logs', {});
  endS = Number(last.s);
}, 240_000);
afterAll(async () => env?.close());

describe('overview on the seeded engine, against exact answers from http_logs and ml_all_scores', () => {
  it('a day (hourly buckets): every request once, split into known bot, anomalous and human', async () => {
    const to = endS + 60;
    const from = Math.floor((to - 86400) / 3600) * 3600; // what the overview aligns `to - 24h` to
    const ov: Overview = await overview(env.ch.client, { from: to - 86400, to, step: 900 });
    const ref = await reference(from, to, 'toStartOfHour(ts)');
    expect(ov.series.t[0]).toBe(from);
    expect(ov.kpis.requests).toBe(Number(ref.tot.requests));
    expect(ov.kpis.known_bot_requests).toBe(Number(ref.tot.known_bot));
    expect(Number(ref.flag.anomalous)).toBeGreaterThan(0);
    expect(ov.kpis.anomalous_requests).toBe(Number(ref.flag.anomalous));
    expect(total(ov.series.human)).toBe(
      Number(ref.tot.requests) - Number(ref.tot.known_bot) - Number(ref.flag.anomalous),
    );
    within(ov.kpis.unique_ips, Number(ref.tot.ips), 0.02);
    within(ov.kpis.anomalous_ips, Number(ref.flag.ips), 0.02);
    expect(ov.kpis.unique_ja4).toBe(ref.byJa4.length);
    const hits = new Map(ref.byJa4.map((r) => [r.ja4, r]));
    expect(ov.top_ja4.length).toBe(Math.min(10, ref.byJa4.length));
    for (const t of ov.top_ja4) {
      expect(t.hits).toBe(Number(hits.get(t.ja4)?.hits));
      within(t.ips, Number(hits.get(t.ja4)?.ips), 0.02);
    }
    const hostHits = new Map(ref.byHost.map((r) => [r.host, Number(r.hits)]));
    for (const h of ov.top_hosts) expect(h.hits).toBe(hostHits.get(h.host));
    // The top list is the busiest ten, in order.
    const busiest = [...ref.byJa4].sort((a, b) => Number(b.hits) - Number(a.hits)).slice(0, 10);
    expect(ov.top_ja4.map((t) => t.hits)).toEqual(busiest.map((b) => Number(b.hits)));
  });

  it('three hours from an odd minute (5-minute buckets): partial hours get their share', async () => {
    const to = endS - 7 * 3600 + 17 * 60;
    const from = to - 3 * 3600;
    const aligned = Math.floor(from / 300) * 300;
    const ov = await overview(env.ch.client, { from, to, step: 60 });
    const ref = await reference(aligned, to, 'toStartOfFiveMinutes(ts)');
    expect(ov.series.t[0]).toBe(aligned);
    expect(ov.series.t[1] - ov.series.t[0]).toBe(300);
    expect(ov.kpis.requests).toBe(Number(ref.tot.requests));
    expect(ov.kpis.known_bot_requests).toBe(Number(ref.tot.known_bot));
    within(ov.kpis.unique_ips, Number(ref.tot.ips), 0.02);
    // Each (hour, host, JA4)'s flagged requests spread over its 5-minute buckets in proportion
    // to their non-bot requests: a partial hour at either end gets only its part.
    const [spread] = await q<{ anomalous: number }>(
      `WITH flagged AS (
         SELECT hour, host, ja4, sumIf(requests, is_anomaly AND bot_ip_label = '' AND bot_ja4_label = '') AS f
         FROM ja4_processing.ml_all_scores GROUP BY hour, host, ja4),
       hourly AS (
         SELECT toStartOfHour(ts) AS hour, host, ja4, countIf(NOT ${BOT}) AS other_hour,
                countIf(NOT ${BOT} AND toStartOfFiveMinutes(ts) >= toDateTime({from:UInt32})
                        AND toStartOfFiveMinutes(ts) < toDateTime({to:UInt32})) AS other_in_range
         FROM ja4_processing.http_logs GROUP BY hour, host, ja4)
       SELECT sum(h.other_in_range * least(1, f.f / h.other_hour)) AS anomalous
       FROM hourly AS h INNER JOIN flagged AS f ON h.hour = f.hour AND h.host = f.host AND h.ja4 = f.ja4
       WHERE h.other_hour > 0`,
      { from: aligned, to },
    );
    expect(Number(spread.anomalous)).toBeGreaterThan(0);
    // Rounded per bucket by the overview: at most half a request off per bucket.
    expect(Math.abs(ov.kpis.anomalous_requests - Number(spread.anomalous))).toBeLessThanOrEqual(
      ov.series.t.length / 2 + 1,
    );
    for (let i = 0; i < ov.series.t.length; i++) expect(ov.series.human[i]).toBeGreaterThanOrEqual(0);
  });

  it("follows the detector's newest cycle: a rescoring that flags nothing empties the anomalous series", async () => {
    // The model's threshold no longer decides alone: explicit signals (known lists, declared
    // automation, UA/TLS contradictions) flag rows whatever it is (appliance/detector/verdicts.ts).
    // An analyst's false-positive label outranks them all, so labelling every flagged address
    // without a bot label and asking for a cycle (a rescore of the window, as POST /run does)
    // leaves the newest cycle with nothing the anomalous series counts.
    const to = endS + 60;
    const before = await overview(env.ch.client, { from: to - 86400, to, step: 900 });
    expect(before.kpis.anomalous_requests).toBeGreaterThan(0);
    const flagged = await q<{ src_ip: string; hour: string }>(
      `SELECT DISTINCT src_ip, toString(hour) AS hour FROM ja4_processing.ml_all_scores
       WHERE is_anomaly AND bot_ip_label = '' AND bot_ja4_label = ''`,
      {},
    );
    expect(flagged.length).toBeGreaterThan(0);
    const now = Date.now();
    await env.ch.client.insert({
      table: 'ja4_processing.analyst_labels',
      values: flagged.map((f) => ({
        id: randomUUID(),
        version: now,
        src_ip: f.src_ip,
        hour: f.hour,
        host: '*',
        ja4: '*',
        label: 'false_positive',
        note: '',
        created_by: 'test',
        created_at: now,
        deleted: 0,
      })),
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0, date_time_input_format: 'best_effort' },
    });
    const res = await runCycle({
      client: env.ch.client,
      config: env.config,
      log: pino({ level: 'silent' }),
      onDemand: true,
    });
    expect([res.status, res.kind]).toEqual(['ok', 'rescore']);
    const after = await overview(env.ch.client, { from: to - 86400, to, step: 900 });
    expect(after.kpis.anomalous_requests).toBe(0);
    expect(after.kpis.anomalous_ips).toBe(0);
    expect(total(after.series.anomalous)).toBe(0);
    expect(after.kpis.requests).toBe(before.kpis.requests);
    expect(total(after.series.human)).toBe(total(before.series.human) + before.kpis.anomalous_requests);
  }, 120_000);
});
