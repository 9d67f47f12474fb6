import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select } from './run.js';
import { ANOMALOUS_IPS, trafficSource } from './traffic-source.js';

export interface Overview {
  kpis: {
    requests: number;
    unique_ips: number;
    unique_ja4: number;
    known_bot_requests: number;
    anomalous_ips: number;
    anomalous_requests: number;
  };
  series: { t: number[]; human: number[]; known_bot: number[]; anomalous: number[] };
  top_ja4: { ja4: string; hits: number; ips: number; known_bot: number }[];
  top_hosts: { host: string; hits: number; ips: number }[];
  top_asns: { asn: number; asn_name: string; asn_label: string; hits: number; ips: number }[];
}

/**
 * Requests split three ways: known bot (a bot IP or bot JA4 label), anomalous (flagged by the
 * detector and not a known bot), human (everything else).
 */
export async function overview(ch: ClickHouseClient, r: TimeRange): Promise<Overview> {
  const params = rangeParams(r);
  const classified = `
    WITH anomalous AS (${ANOMALOUS_IPS})
    SELECT t, host, src_ip, ja4, hits, asn, asn_name, asn_label,
           multiIf(known_bot, 'known_bot', src_ip IN anomalous, 'anomalous', 'human') AS class
    FROM (${trafficSource(r)})`;
  const [series, kpis, topJa4, topHosts, topAsns] = await Promise.all([
    select<{ t: number; class: string; hits: number }>(
      ch,
      `SELECT toUnixTimestamp(t) AS t, class, sum(hits) AS hits FROM (${classified}) GROUP BY t, class ORDER BY t`,
      params,
    ),
    select<Overview['kpis']>(
      ch,
      `SELECT sum(hits) AS requests, uniqExact(src_ip) AS unique_ips, uniqExactIf(ja4, ja4 != '') AS unique_ja4,
              sumIf(hits, class = 'known_bot') AS known_bot_requests,
              uniqExactIf(src_ip, class = 'anomalous') AS anomalous_ips,
              sumIf(hits, class = 'anomalous') AS anomalous_requests
       FROM (${classified})`,
      params,
    ),
    select<Overview['top_ja4'][number]>(
      ch,
      `SELECT ja4, sum(hits) AS hits, uniqExact(src_ip) AS ips, max(class = 'known_bot') AS known_bot
       FROM (${classified}) WHERE ja4 != '' GROUP BY ja4 ORDER BY hits DESC LIMIT 10`,
      params,
    ),
    select<Overview['top_hosts'][number]>(
      ch,
      `SELECT host, sum(hits) AS hits, uniqExact(src_ip) AS ips FROM (${trafficSource(r)})
       GROUP BY host ORDER BY hits DESC LIMIT 10`,
      params,
    ),
    select<Overview['top_asns'][number]>(
      ch,
      `SELECT asn, any(asn_name) AS asn_name, any(asn_label) AS asn_label, sum(hits) AS hits, uniqExact(src_ip) AS ips
       FROM (${trafficSource(r)}) GROUP BY asn ORDER BY hits DESC LIMIT 10`,
      params,
    ),
  ]);
  return {
    kpis: kpis[0],
    series: pivotSeries(series, r),
    top_ja4: topJa4,
    top_hosts: topHosts,
    top_asns: topAsns,
  };
}

/** Turns (t, class, hits) rows into aligned arrays with a zero for every empty bucket. */
export function pivotSeries(
  rows: { t: number; class: string; hits: number }[],
  r: TimeRange,
): Overview['series'] {
  const start = Math.floor(r.from / r.step) * r.step;
  const n = Math.max(1, Math.ceil((r.to - start) / r.step));
  const out: Overview['series'] = {
    t: Array.from({ length: n }, (_, i) => start + i * r.step),
    human: new Array(n).fill(0),
    known_bot: new Array(n).fill(0),
    anomalous: new Array(n).fill(0),
  };
  for (const row of rows) {
    const i = Math.floor((row.t - start) / r.step);
    if (i < 0 || i >= n) continue;
    const key = row.class as 'human' | 'known_bot' | 'anomalous';
    if (key in out) out[key][i] += Number(row.hits);
  }
  return out;
}
