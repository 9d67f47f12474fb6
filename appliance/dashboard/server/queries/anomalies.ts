import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select, selectWithTotal } from './run.js';

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
  /**
   * Case-insensitive text matched against the IP, and the ASN name, reason, JA4, host and labels
   * of any of the IP's anomalies in the range (not only its top-scored one).
   */
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

const TABLE = 'ja4_processing.ml_detected_anomalies';
const IN_RANGE = 'hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})';

/**
 * The text filter, on one row of ml_detected_anomalies (raw column names): an IP matches when any
 * of its anomalies in the range matches, so callers aggregate it with max(). Shared by the list and
 * the export so both keep the same set of IPs for the same filter.
 */
const Q_ROW = ['src_ip', 'asn_name', 'reason', 'ja4', 'host', 'bot_ip_label', 'bot_ja4_label']
  .map((c) => `positionCaseInsensitive(${c}, {q:String}) > 0`)
  .join(' OR ');

/** The per-IP columns of AnomalyRow, over rows with a_-prefixed columns (one version per key). */
const DETAIL_COLUMNS = `
  max(a_score) AS score, argMax(a_reason, a_score) AS reasons, sum(a_requests) AS requests,
  groupUniqArray(a_ja4) AS ja4s, groupUniqArray(a_host) AS hosts,
  argMax(a_asn, a_score) AS asn, argMax(a_asn_name, a_score) AS asn_name,
  argMax(a_asn_label, a_score) AS asn_label,
  max(a_bot_ip_label) AS bot_ip_label, max(a_bot_ja4_label) AS bot_ja4_label,
  argMax(a_top_user_agent, a_score) AS top_user_agent,
  formatDateTime(min(a_hour), '%FT%TZ') AS first_seen,
  formatDateTime(max(a_hour) + INTERVAL 1 HOUR, '%FT%TZ') AS last_seen`;

/** What a page is ranked by: an aggregate per IP, and whether it reads a column a rescoring replaces. */
const RANK: Record<Exclude<AnomalySort, 'recurrence_days'>, { expr: string; versioned: boolean }> = {
  score: { expr: 'max(score)', versioned: true },
  src_ip: { expr: 'src_ip', versioned: false },
  requests: { expr: 'sum(requests)', versioned: true },
  // hour is in the sorting key, so every version of a row has the same one.
  first_seen: { expr: 'min(hour)', versioned: false },
  last_seen: { expr: 'max(hour)', versioned: false },
  asn: { expr: 'argMax(asn, score)', versioned: true },
};

/**
 * One row per flagged IP in the range, with every column (export, and the recurrence sort, which
 * needs 30 days of every address). FINAL keeps the newest rescoring of each (src_ip, hour, host, ja4)
 * (ReplacingMergeTree on detected_at): it merges the sorted parts in key order, where argMax(..,
 * detected_at) on 13 columns built a hash table of every row (~2x slower on 500k anomalies).
 * Sort columns come from a fixed list, never from the request text.
 */
function fullSql(filter: AnomalyFilter, withRecurrence: boolean): string {
  const recurrence = withRecurrence
    ? 'any(r.days_flagged) AS recurrence_days, any(r.hours_flagged) AS recurrence_hours'
    : 'toUInt64(0) AS recurrence_days, toUInt64(0) AS recurrence_hours';
  const join = withRecurrence ? 'LEFT JOIN ja4_processing.view_ip_recurrence AS r USING (src_ip)' : '';
  const q = filter.q ? `, (${Q_ROW}) AS a_q` : '';
  return `
    SELECT src_ip, ${DETAIL_COLUMNS}, ${recurrence}
    FROM (
      -- Inner names are prefixed: ClickHouse lets a SELECT alias shadow a column of the same name.
      SELECT src_ip, hour AS a_hour, host AS a_host, ja4 AS a_ja4, score AS a_score, reason AS a_reason,
             requests AS a_requests, asn AS a_asn, asn_name AS a_asn_name, asn_label AS a_asn_label,
             bot_ip_label AS a_bot_ip_label, bot_ja4_label AS a_bot_ja4_label,
             top_user_agent AS a_top_user_agent ${q}
      FROM ${TABLE} FINAL
      WHERE ${IN_RANGE}
    ) AS a
    ${join}
    GROUP BY src_ip
    HAVING score >= {min_score:Float64}
      AND ({asn_label:String} = '' OR asn_label = {asn_label:String})
      ${filter.q ? 'AND max(a_q) = 1' : ''}
    ORDER BY ${filter.sort} ${direction(filter)}, src_ip ASC`;
}

function direction(filter: AnomalyFilter): string {
  return filter.order === 'asc' ? 'ASC' : 'DESC';
}

function filterParams(r: TimeRange, f: AnomalyFilter) {
  return { ...rangeParams(r), min_score: f.min_score ?? 0, asn_label: f.asn_label ?? '', q: f.q ?? '' };
}

/**
 * Phase 1: which IPs are on the page, and how many IPs match (rows_before_limit_at_least, exact
 * with exact_rows_before_limit, also past the last page). Only the aggregates the sort and the
 * filters need are computed, and FINAL is used only when one of them reads a column that a
 * rescoring replaces (score, requests, AS, text). min_score 0 needs no test: scores are 2^-x, in
 * (0, 1]. Partitions are days of hour and hour is in the key, so no key spans two partitions
 * (do_not_merge_across_partitions_select_final).
 */
function pageSql(f: AnomalyFilter): string {
  const rank = RANK[f.sort as keyof typeof RANK];
  const cols: string[] = [];
  const having: string[] = [];
  if (rank.expr !== 'src_ip') cols.push(`${rank.expr} AS k_rank`);
  if ((f.min_score ?? 0) > 0) {
    cols.push('max(score) AS k_score');
    having.push('k_score >= {min_score:Float64}');
  }
  if (f.asn_label) {
    cols.push('argMax(asn_label, score) AS k_asn_label');
    having.push('k_asn_label = {asn_label:String}');
  }
  if (f.q) {
    cols.push(`max(${Q_ROW}) AS k_q`);
    having.push('k_q = 1');
  }
  const final = rank.versioned || having.length > 0;
  const key = rank.expr === 'src_ip' ? 'src_ip' : 'k_rank';
  return `
    SELECT src_ip${cols.map((c) => `, ${c}`).join('')}
    FROM ${TABLE}${final ? ' FINAL' : ''}
    WHERE ${IN_RANGE}
    GROUP BY src_ip
    ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
    ORDER BY ${key} ${direction(f)}${key === 'src_ip' ? '' : ', src_ip ASC'}
    LIMIT {limit:UInt32} OFFSET {offset:UInt32}
    SETTINGS exact_rows_before_limit = 1, do_not_merge_across_partitions_select_final = 1,
             output_format_json_quote_64bit_integers = 0`;
}

/**
 * Phase 2: every column for the page's IPs only (src_ip IN uses the primary key), and their
 * 30-day recurrence, in one round trip. The page holds a few hundred rows at most, so the newest
 * rescoring of each (src_ip, hour, host, ja4) is picked by argMax(.., detected_at) (as
 * view_ip_recurrence does) rather than by FINAL, which merges every row of the granules read.
 * Recurrence is view_ip_recurrence's days_flagged / hours_flagged, computed here from the table:
 * both count distinct hours, a key column, so versions do not matter, and the view's per-key
 * GROUP BY of 30 days cost a third of this query (a test keeps the two equal).
 */
const DETAILS_SQL = `
  SELECT d.*, r.recurrence_days, r.recurrence_hours
  FROM (
    SELECT src_ip, ${DETAIL_COLUMNS}
    FROM (
      SELECT src_ip, hour AS a_hour, host AS a_host, ja4 AS a_ja4,
             argMax(score, detected_at) AS a_score, argMax(reason, detected_at) AS a_reason,
             argMax(requests, detected_at) AS a_requests, argMax(asn, detected_at) AS a_asn,
             argMax(asn_name, detected_at) AS a_asn_name, argMax(asn_label, detected_at) AS a_asn_label,
             argMax(bot_ip_label, detected_at) AS a_bot_ip_label,
             argMax(bot_ja4_label, detected_at) AS a_bot_ja4_label,
             argMax(top_user_agent, detected_at) AS a_top_user_agent
      FROM ${TABLE}
      WHERE src_ip IN {ips:Array(String)} AND ${IN_RANGE}
      GROUP BY src_ip, hour, host, ja4
    )
    GROUP BY src_ip
  ) AS d
  LEFT JOIN (
    SELECT src_ip, uniqExact(toDate(hour)) AS recurrence_days, uniqExact(hour) AS recurrence_hours
    FROM ${TABLE}
    WHERE src_ip IN {ips:Array(String)} AND hour >= toStartOfDay(now() - INTERVAL 30 DAY)
    GROUP BY src_ip
  ) AS r USING (src_ip)
  SETTINGS output_format_json_quote_64bit_integers = 0`;

/**
 * One page and the total. The page is ranked first on the few aggregates its sort and filters
 * need (phase 1), then described in full for its IPs only (phase 2): the per-IP argMax of the
 * string columns and the JA4/host sets cost several times the ranking when computed for every
 * flagged IP. A page sorted by recurrence needs view_ip_recurrence (30 days) for every address,
 * so it keeps the single full query.
 */
export async function listAnomalies(
  ch: ClickHouseClient,
  r: TimeRange,
  f: AnomalyFilter,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: AnomalyRow[] }> {
  if (!ANOMALY_SORTS.includes(f.sort)) throw new Error(`unknown sort ${f.sort}`);
  const params = { ...filterParams(r, f), ...page };
  if (f.sort === 'recurrence_days') {
    const { rows, total } = await selectWithTotal<AnomalyRow>(
      ch,
      `${fullSql(f, true)} LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      params,
    );
    return { total, rows };
  }
  const ranked = await selectWithTotal<{ src_ip: string }>(ch, pageSql(f), params);
  if (ranked.rows.length === 0) return { total: ranked.total, rows: [] };
  const ips = ranked.rows.map((x) => x.src_ip);
  const details = await selectWithTotal<AnomalyRow>(ch, DETAILS_SQL, { ...rangeParams(r), ips });
  const bySrc = new Map(details.rows.map((x) => [x.src_ip, x]));
  // Phase 1's order; an IP whose rows vanished in between (TTL) is left out.
  const rows = ips.flatMap((ip) => bySrc.get(ip) ?? []);
  return { total: ranked.total, rows };
}

/** Every matching anomaly, for CSV/JSON export and blocklists (capped). */
export function exportAnomalies(ch: ClickHouseClient, r: TimeRange, f: AnomalyFilter, cap: number) {
  return select<AnomalyRow>(ch, `${fullSql(f, true)} LIMIT {limit:UInt32}`, {
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
