import type { ClickHouseClient } from '../../../common/index.js';
import type { FingerprintIp, FingerprintResponse, Ja4Signal } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { scoreHistogram } from './detections.js';
import { HOURS_IN_RANGE, rangeParams, select, selectWithTotal } from './run.js';
import { ja4Signals } from './signals.js';
import { keptAddresses } from './signals-kept.js';
import { sourceRange } from './traffic-source.js';

const IN_LOGS = `ja4 = {ja4:String} AND ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)`;

/**
 * The fingerprint page. A busy JA4 has millions of requests a day, so nothing here scans its
 * rows: counts and user agents come from agg_ja4_signals_1h, hosts from agg_overview_sets
 * (host × JA4), scores from the detector's current scores; only the raw forms, JA3s, TLS
 * versions and ALPNs are examples read from the first 20,000 matching requests.
 */
export async function fingerprintDetail(
  ch: ClickHouseClient,
  ja4: string,
  r: TimeRange,
): Promise<Omit<FingerprintResponse, 'range' | 'decoded'>> {
  const p = { ...rangeParams(r), ja4 };
  const src = sourceRange(r);
  const [signals, examples, userAgents, hosts, label, scores] = await Promise.all([
    ja4Signals(ch, r, { sort: 'requests', order: 'desc', newOnly: false, ja4 }, { offset: 0, limit: 1 }),
    select<Examples>(
      ch,
      `SELECT any(ja4_r) AS ja4_r, groupUniqArray(5)(ja3) AS ja3s, groupUniqArray(5)(tls_version) AS tls_versions,
              groupUniqArray(5)(arrayStringConcat(alpn, ',')) AS alpns
       FROM (SELECT ja4_r, ja3, tls_version, alpn FROM ja4_processing.http_logs WHERE ${IN_LOGS} LIMIT 20000)`,
      p,
    ),
    select<{ user_agent: string; hits: number }>(
      ch,
      `SELECT t.item AS user_agent, t.count AS hits
       FROM (SELECT arrayJoin(approx_top_countMerge(20)(top_user_agents)) AS t
             FROM ja4_processing.agg_ja4_signals_1h WHERE ${HOURS_IN_RANGE} AND ja4 = {ja4:String})
       ORDER BY hits DESC`,
      p,
    ),
    select<{ host: string; hits: number }>(
      ch,
      `SELECT host, sum(hits) AS hits FROM ja4_processing.agg_overview_sets
       WHERE grain = {grain:String} AND set = 'host_ja4' AND ja4 = {ja4:String}
         AND bucket >= toDateTime({from:UInt32}) AND bucket < toDateTime({to:UInt32})
       GROUP BY host ORDER BY hits DESC LIMIT 20`,
      { ...p, from: src.from, grain: src.grain },
    ),
    select<{ label: string; note: string }>(
      ch,
      `SELECT dictGetOrDefault('ja4_processing.dict_bot_ja4', 'label', tuple({ja4:String}), '') AS label,
              dictGetOrDefault('ja4_processing.dict_bot_ja4', 'note', tuple({ja4:String}), '') AS note`,
      p,
    ),
    scoreHistogram(ch, r, { ja4 }),
  ]);
  return {
    summary: summaryOf(signals.rows[0], examples[0]),
    user_agents: userAgents.map((x) => ({ user_agent: x.user_agent, hits: Number(x.hits) })),
    hosts: hosts.map((x) => ({ host: x.host, hits: Number(x.hits) })),
    known_label: label[0] ?? { label: '', note: '' },
    scores: { threshold: scores.threshold, histogram: scores.histogram },
  };
}

type Examples = { ja4_r: string; ja3s: string[]; tls_versions: string[]; alpns: string[] };

function summaryOf(s: Ja4Signal | undefined, examples: Examples | undefined): FingerprintResponse['summary'] {
  return {
    requests: s?.requests ?? 0,
    known_bot_requests: s?.known_bot_requests ?? 0,
    flagged_requests: s?.flagged_requests ?? 0,
    ips: s?.ips ?? 0,
    asns: s?.asns ?? 0,
    user_agents: s?.user_agents ?? 0,
    paths: s?.paths ?? 0,
    first_seen: s?.first_seen ?? '',
    last_seen: s?.last_seen ?? '',
    ...(examples ?? { ja4_r: '', ja3s: [], tls_versions: [], alpns: [] }),
  };
}

const IPS_SELECT = `SELECT src_ip AS ip, sum(hits) AS hits, max(asn) AS asn, max(asn_name) AS asn_name,
         max(asn_label) AS asn_label, max(bot_ip_label) AS bot_ip_label
  FROM ja4_processing.agg_host_ip_ja4_1h WHERE ${HOURS_IN_RANGE} AND ja4 = {ja4:String}`;

/**
 * One page of the addresses that used a JA4 in the range, busiest first, with exact request counts
 * from the hourly rollup, and how many there are. A busy JA4 has hundreds of thousands of
 * addresses: its first pages come from the 100 busiest the signals aggregate keeps per hour
 * (their counts then made exact for those addresses only), so the rollup is not grouped by
 * every address; later pages, and JA4s with few addresses, are grouped exactly.
 */
export async function fingerprintIps(
  ch: ClickHouseClient,
  ja4: string,
  r: TimeRange,
  page: { offset: number; limit: number },
): Promise<{ total: number; estimated: boolean; rows: FingerprintIp[] }> {
  const p = { ...rangeParams(r), ja4, ...page };
  const kept = await keptAddresses(ch, `${HOURS_IN_RANGE} AND ja4 = {ja4:String}`, p, page);
  if (kept.top === undefined) {
    const exact = await selectWithTotal<FingerprintIp>(
      ch,
      `${IPS_SELECT} GROUP BY src_ip ORDER BY hits DESC, src_ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      p,
    );
    return { ...exact, estimated: false };
  }
  const rows = await select<FingerprintIp>(
    ch,
    `${IPS_SELECT} AND src_ip IN {top:Array(String)}
     GROUP BY src_ip ORDER BY hits DESC, src_ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { ...p, top: kept.top },
  );
  return { total: kept.estimate, estimated: true, rows };
}
