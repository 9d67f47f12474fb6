import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select } from './run.js';

export const ANOMALY_SORTS = [
  'score',
  'src_ip',
  'requests',
  'first_seen',
  'last_seen',
  'recurrence_days',
  'asn',
] as const;
export type AnomalySort = (typeof ANOMALY_SORTS)[number];

export interface AnomalyFilter {
  /** Case-insensitive text matched against IP, ASN name, JA4s, hosts, reasons and labels. */
  q?: string;
  min_score?: number;
  asn_label?: string;
  sort: AnomalySort;
  order: 'asc' | 'desc';
}

export interface AnomalyRow {
  src_ip: string;
  score: number;
  reasons: string;
  requests: number;
  ja4s: string[];
  hosts: string[];
  asn: number;
  asn_name: string;
  asn_label: string;
  bot_ip_label: string;
  bot_ja4_label: string;
  top_user_agent: string;
  first_seen: string;
  last_seen: string;
  recurrence_days: number;
  recurrence_hours: number;
}

/**
 * One row per flagged IP in the range. The inner GROUP BY with argMax(.., detected_at) keeps
 * the newest rescoring of each (src_ip, hour, host, ja4) without FINAL, as view_ip_recurrence
 * does. Sort columns come from a fixed list, never from the request text.
 */
function anomaliesSql(filter: AnomalyFilter, withRecurrence = true, ordered = true): string {
  // Without recurrence the join is left out; listAnomalies fills it in for the page's rows only.
  const recurrence = withRecurrence
    ? 'any(r.days_flagged) AS recurrence_days, any(r.hours_flagged) AS recurrence_hours'
    : 'toUInt64(0) AS recurrence_days, toUInt64(0) AS recurrence_hours';
  const join = withRecurrence ? 'LEFT JOIN ja4_processing.view_ip_recurrence AS r USING (src_ip)' : '';
  return `
    SELECT src_ip, max(a_score) AS score, argMax(a_reason, a_score) AS reasons, sum(a_requests) AS requests,
           groupUniqArray(a_ja4) AS ja4s, groupUniqArray(a_host) AS hosts,
           argMax(a_asn, a_score) AS asn, argMax(a_asn_name, a_score) AS asn_name,
           argMax(a_asn_label, a_score) AS asn_label,
           max(a_bot_ip_label) AS bot_ip_label, max(a_bot_ja4_label) AS bot_ja4_label,
           argMax(a_top_user_agent, a_score) AS top_user_agent,
           formatDateTime(min(a_hour), '%FT%TZ') AS first_seen,
           formatDateTime(max(a_hour) + INTERVAL 1 HOUR, '%FT%TZ') AS last_seen,
           ${recurrence}
    FROM (
      -- Inner names are prefixed: ClickHouse lets a SELECT alias shadow a column of the same name.
      -- FINAL keeps the newest rescoring of each (src_ip, hour, host, ja4) (ReplacingMergeTree on
      -- detected_at): it merges the sorted parts in key order, where argMax(.., detected_at) on 13
      -- columns built a hash table of every row (~2x slower on 500k anomalies).
      SELECT src_ip, hour AS a_hour, host AS a_host, ja4 AS a_ja4, score AS a_score, reason AS a_reason,
             requests AS a_requests, asn AS a_asn, asn_name AS a_asn_name, asn_label AS a_asn_label,
             bot_ip_label AS a_bot_ip_label, bot_ja4_label AS a_bot_ja4_label,
             top_user_agent AS a_top_user_agent
      FROM ja4_processing.ml_detected_anomalies FINAL
      WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
    ) AS a
    ${join}
    GROUP BY src_ip
    HAVING score >= {min_score:Float64}
      AND ({asn_label:String} = '' OR asn_label = {asn_label:String})
      AND ({q:String} = '' OR positionCaseInsensitive(src_ip, {q:String}) > 0
           OR positionCaseInsensitive(asn_name, {q:String}) > 0 OR positionCaseInsensitive(reasons, {q:String}) > 0
           OR arrayExists(x -> positionCaseInsensitive(x, {q:String}) > 0, ja4s)
           OR arrayExists(x -> positionCaseInsensitive(x, {q:String}) > 0, hosts)
           OR positionCaseInsensitive(bot_ip_label, {q:String}) > 0
           OR positionCaseInsensitive(bot_ja4_label, {q:String}) > 0)
    ${ordered ? orderBy(filter) : ''}`;
}

/** The sort key comes from ANOMALY_SORTS (checked by the caller), never from request text. */
function orderBy(filter: AnomalyFilter): string {
  return `ORDER BY ${filter.sort} ${filter.order === 'asc' ? 'ASC' : 'DESC'}, src_ip ASC`;
}

function filterParams(r: TimeRange, f: AnomalyFilter) {
  return { ...rangeParams(r), min_score: f.min_score ?? 0, asn_label: f.asn_label ?? '', q: f.q ?? '' };
}

/**
 * One page and the total in one query (count() OVER () over the filtered set, computed before
 * LIMIT), where a second query used to recompute the whole set for the count. view_ip_recurrence
 * aggregates 30 days of anomalies for every address; joining it to the whole set cost more than
 * the rest, so unless the page is sorted by recurrence it is read for the page's addresses only.
 */
export async function listAnomalies(
  ch: ClickHouseClient,
  r: TimeRange,
  f: AnomalyFilter,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: AnomalyRow[] }> {
  if (!ANOMALY_SORTS.includes(f.sort)) throw new Error(`unknown sort ${f.sort}`);
  const byRecurrence = f.sort === 'recurrence_days';
  const sql = anomaliesSql(f, byRecurrence, false);
  const params = filterParams(r, f);
  const paged = await select<AnomalyRow & { total_rows: number }>(
    ch,
    // Sorted outside: a subquery's order is not kept through a window step.
    `SELECT *, count() OVER () AS total_rows FROM (${sql}) ${orderBy(f)}
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { ...params, ...page },
  );
  let total = Number(paged[0]?.total_rows ?? 0);
  if (paged.length === 0 && page.offset > 0) {
    // Past the last page: no row carries the total.
    const n = await select<{ n: number }>(ch, `SELECT count() AS n FROM (${sql})`, params);
    total = Number(n[0]?.n ?? 0);
  }
  const rows = paged.map(({ total_rows: _, ...row }) => row as AnomalyRow);
  if (!byRecurrence && rows.length > 0) {
    const rec = await select<{ src_ip: string; days: number; hours: number }>(
      ch,
      `SELECT src_ip, days_flagged AS days, hours_flagged AS hours FROM ja4_processing.view_ip_recurrence
       WHERE src_ip IN {ips:Array(String)}`,
      { ips: rows.map((x) => x.src_ip) },
    );
    const bySrc = new Map(rec.map((x) => [x.src_ip, x]));
    for (const row of rows) {
      row.recurrence_days = Number(bySrc.get(row.src_ip)?.days ?? 0);
      row.recurrence_hours = Number(bySrc.get(row.src_ip)?.hours ?? 0);
    }
  }
  return { total, rows };
}

/** Every matching anomaly, for CSV/JSON export and blocklists (capped). */
export function exportAnomalies(ch: ClickHouseClient, r: TimeRange, f: AnomalyFilter, cap: number) {
  return select<AnomalyRow>(ch, `${anomaliesSql(f)} LIMIT {limit:UInt32}`, {
    ...filterParams(r, f),
    limit: cap,
  });
}

/**
 * JA4s for a WAF blocklist: known-bot JA4s among the anomalies, and JA4s of flagged IPs that no
 * unflagged client from a human ASN used in the range (blocking those costs no human visitor).
 */
export function blockableJa4s(ch: ClickHouseClient, r: TimeRange, minScore: number) {
  return select<{ ja4: string; ips: number; label: string }>(
    ch,
    `SELECT ja4, uniqExact(src_ip) AS ips, max(bot_ja4_label) AS label
     FROM ja4_processing.ml_detected_anomalies
     WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
       AND ja4 != '' AND (score >= {min_score:Float64} OR bot_ja4_label != '')
     GROUP BY ja4
     HAVING label != '' OR ja4 NOT IN (
       SELECT DISTINCT ja4 FROM ja4_processing.agg_host_ip_ja4_1h
       WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32}) AND asn_label = 'human'
         AND src_ip NOT IN (SELECT src_ip FROM ja4_processing.ml_detected_anomalies
                               WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})))
     ORDER BY ips DESC LIMIT 1000`,
    { ...rangeParams(r), min_score: minScore },
  );
}
