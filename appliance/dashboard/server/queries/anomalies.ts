import type { ClickHouseClient } from '../../../common/index.js';
import { ANOMALY_SORTS, type AnomalyFilter, type AnomalySort } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { type AnomalyScope, anomalyScope, scopeParams, scopeSql } from './anomaly-scope.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { REASONS_JSON } from './reason-column.js';
import { select, selectWithTotal } from './run.js';
import { DECIDED_IPS_SQL } from './triage-read.js';

export { ANOMALY_SORTS };

/** The filter as the queries take it: the API's filter with its defaults applied. */
export type AnomalyQuery = Omit<AnomalyFilter, 'sort' | 'order' | 'range' | 'from' | 'to'> & {
  sort: AnomalySort;
  order: 'asc' | 'desc';
};

/** One flagged address as ClickHouse returns it (the API's FlaggedIp is built from it). */
export interface FlaggedIpRow {
  src_ip: string;
  score: number;
  /** The top-scored row's reasons: the joined text, and the structured list as JSON ('[]' if none). */
  reasons: string;
  reasons_json: string;
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
 * The text filter. An IP matches when its address, or any of its current rows, matches, so the
 * row test is aggregated with max() and the address tested once per IP. Reasons are searched
 * through reason_words (digit runs as '#', migration 0020): a query with digits never matches
 * inside a reason; "AS64500" or "64500" matches that AS number exactly. A row's text columns are
 * tested as one: search_text (0042) joins them with NUL, so a query without NUL matches it
 * exactly where it matches one of them; a query with NUL tests them one by one.
 */
const TEXT_COLUMNS = ['asn_name', 'reason_words', 'ja4', 'host', 'bot_ip_label', 'bot_ja4_label'];

function rowMatchSql(q: string): string {
  return (q.includes('\0') ? TEXT_COLUMNS : ['search_text'])
    .map((c) => `positionCaseInsensitive(${c}, {q:String}) > 0`)
    .concat('({q_asn:UInt32} != 0 AND asn = {q_asn:UInt32})')
    .join(' OR ');
}

/** The text filter per IP, over grouped rows where `rowMatch` is the row test's column or expression. */
const ipMatchSql = (rowMatch: string) =>
  `(positionCaseInsensitive(src_ip, {q:String}) > 0 OR max(${rowMatch}) = 1)`;

/** The AS number a query names ("AS64500" or "64500"), or 0. */
function queryAsn(q: string): number {
  const m = /^(?:as)?(\d{1,10})$/i.exec(q.trim());
  const n = m ? Number(m[1]) : 0;
  return n <= 0xffff_ffff ? n : 0;
}

/** Addresses sort by number (IPv4 before IPv6, as IPv4-mapped), not as text. */
const IP_KEY = 'toIPv6OrDefault(src_ip)';

/** The per-IP columns of FlaggedIpRow, over rows with a_-prefixed columns (rowsSql). */
const DETAIL_COLUMNS = `
  max(a_score) AS score, argMax(a_reason, a_score) AS reasons, argMax(a_reasons_json, a_score) AS reasons_json,
  sum(a_requests) AS requests, arraySort(groupUniqArray(a_ja4)) AS ja4s, arraySort(groupUniqArray(a_host)) AS hosts,
  argMax(a_asn, a_score) AS asn, argMax(a_asn_name, a_score) AS asn_name,
  argMax(a_asn_label, a_score) AS asn_label,
  max(a_bot_ip_label) AS bot_ip_label, max(a_bot_ja4_label) AS bot_ja4_label,
  argMax(a_top_user_agent, a_score) AS top_user_agent,
  formatDateTime(min(a_hour), '%FT%TZ') AS first_seen,
  formatDateTime(max(a_hour) + INTERVAL 1 HOUR, '%FT%TZ') AS last_seen`;

/** The scope's rows with a_-prefixed names: a SELECT alias would shadow a column of its name. */
function rowsSql(s: AnomalyScope, where: string, extra = ''): string {
  return `
    SELECT src_ip, hour AS a_hour, host AS a_host, ja4 AS a_ja4, score AS a_score, reason AS a_reason,
           ${REASONS_JSON} AS a_reasons_json,
           requests AS a_requests, asn AS a_asn, asn_name AS a_asn_name, asn_label AS a_asn_label,
           bot_ip_label AS a_bot_ip_label, bot_ja4_label AS a_bot_ja4_label,
           top_user_agent AS a_top_user_agent ${extra}
    FROM ${ANOMALIES_TABLE}
    WHERE ${where}${scopeSql(s)}`;
}

/**
 * Days and hours each address was flagged in over the last 30 days (any cycle's flag counts, as
 * in view_ip_recurrence), from ml_ip_flagged_hours (0022): a page's addresses are a few
 * contiguous rows there.
 */
const RECURRENCE_SQL = (where: string) => `
  SELECT src_ip, uniqExact(toDate(hour)) AS recurrence_days, uniqExact(hour) AS recurrence_hours
  FROM ja4_processing.ml_ip_flagged_hours
  WHERE ${where}hour >= toStartOfDay(now() - INTERVAL 30 DAY)
  GROUP BY src_ip`;

/** What a page is ranked by: an aggregate per IP. */
const RANK: Record<Exclude<AnomalySort, 'recurrence_days'>, string> = {
  score: 'max(score)',
  src_ip: IP_KEY,
  requests: 'sum(requests)',
  first_seen: 'min(hour)',
  last_seen: 'max(hour)',
  asn: 'argMax(asn, score)',
};

const direction = (f: AnomalyQuery) => (f.order === 'asc' ? 'ASC' : 'DESC');
const orderKey = (f: AnomalyQuery) => (f.sort === 'src_ip' ? IP_KEY : f.sort);

/** One row per flagged IP with every column (exports, and the recurrence sort). */
function fullSql(s: AnomalyScope, f: AnomalyQuery): string {
  return `
    SELECT src_ip, ${DETAIL_COLUMNS},
           any(r.recurrence_days) AS recurrence_days, any(r.recurrence_hours) AS recurrence_hours
    FROM (${rowsSql(s, '', f.q ? `, (${rowMatchSql(f.q)}) AS a_q` : '')}) AS a
    LEFT JOIN (${RECURRENCE_SQL('')}) AS r USING (src_ip)
    GROUP BY src_ip
    HAVING score >= {min_score:Float64}
      AND ({asn_label:String} = '' OR asn_label = {asn_label:String})
      ${f.q ? `AND ${ipMatchSql('a_q')}` : ''}
    ORDER BY ${orderKey(f)} ${direction(f)}, src_ip ASC`;
}

function filterParams(r: TimeRange, s: AnomalyScope, f: AnomalyQuery) {
  const q = f.q ?? '';
  return {
    ...scopeParams(r, s),
    min_score: f.min_score ?? 0,
    asn_label: f.asn_label ?? '',
    q,
    q_asn: queryAsn(q),
  };
}

/**
 * Phase 1: which IPs are on the page, and how many match (rows_before_limit_at_least, exact with
 * exact_rows_before_limit). Only the aggregates the sort and the filters need are computed;
 * min_score 0 needs no test (scores are 2^-x, in (0, 1]).
 */
function pageSql(s: AnomalyScope, f: AnomalyQuery): string {
  const rank = RANK[f.sort as keyof typeof RANK];
  const cols: string[] = [`${rank} AS k_rank`];
  const having: string[] = [];
  if ((f.min_score ?? 0) > 0) {
    cols.push('max(score) AS k_score');
    having.push('k_score >= {min_score:Float64}');
  }
  if (f.asn_label) {
    // The top-scored row's label as a number per group, not a copied string (~5 ms on 100k IPs).
    cols.push('argMax(asn_label = {asn_label:String}, score) AS k_asn_label');
    having.push('k_asn_label = 1');
  }
  if (f.q) {
    cols.push(`${ipMatchSql(rowMatchSql(f.q))} AS k_q`);
    having.push('k_q = 1');
  }
  return `
    SELECT src_ip${cols.map((c) => `, ${c}`).join('')}
    FROM ${ANOMALIES_TABLE}
    WHERE ${scopeSql(s)}
    GROUP BY src_ip
    ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
    ORDER BY k_rank ${direction(f)}${f.sort === 'src_ip' ? '' : ', src_ip ASC'}
    LIMIT {limit:UInt32} OFFSET {offset:UInt32}
    SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`;
}

/**
 * Phase 2: every column for the page's IPs only (src_ip IN uses the primary key), and whether an
 * analyst touched each (its decisions are then read for those alone).
 */
const detailsSql = (s: AnomalyScope) => `
  SELECT d.*, r.recurrence_days, r.recurrence_hours, d.src_ip IN (${DECIDED_IPS_SQL}) AS decided
  FROM (
    SELECT src_ip, ${DETAIL_COLUMNS}
    FROM (${rowsSql(s, 'src_ip IN {ips:Array(String)} AND ')})
    GROUP BY src_ip
  ) AS d
  LEFT JOIN (${RECURRENCE_SQL('src_ip IN {ips:Array(String)} AND ')}) AS r USING (src_ip)
  SETTINGS output_format_json_quote_64bit_integers = 0`;

/**
 * One page and the total: ranked first on the few aggregates its sort and filters need, then
 * described in full for its IPs only. A page sorted by recurrence needs 30 days of every
 * address, so it keeps the single full query. `decided`: the page's addresses an analyst touched
 * in the range, when the details said (undefined: not looked up).
 */
export async function listAnomalies(
  ch: ClickHouseClient,
  r: TimeRange,
  f: AnomalyQuery,
  page: { offset: number; limit: number },
  scope?: AnomalyScope,
): Promise<{ total: number; rows: FlaggedIpRow[]; decided?: string[] }> {
  if (!ANOMALY_SORTS.includes(f.sort)) throw new Error(`unknown sort ${f.sort}`);
  const s = scope ?? (await anomalyScope(ch, r, f.bots));
  if (s.cycles.cycle_hours.length === 0) return { total: 0, rows: [] };
  const params = { ...filterParams(r, s, f), ...page };
  if (f.sort === 'recurrence_days') {
    return selectWithTotal<FlaggedIpRow>(
      ch,
      `${fullSql(s, f)} LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      params,
    );
  }
  const ranked = await selectWithTotal<{ src_ip: string }>(ch, pageSql(s, f), params);
  if (ranked.rows.length === 0) return { total: ranked.total, rows: [], decided: [] };
  const ips = ranked.rows.map((x) => x.src_ip);
  const details = await select<FlaggedIpRow & { decided: number }>(ch, detailsSql(s), {
    ...scopeParams(r, s),
    ips,
  });
  const bySrc = new Map(details.map(({ decided: _, ...x }) => [x.src_ip, x]));
  const decided = details.filter((x) => Number(x.decided) === 1).map((x) => x.src_ip);
  // Phase 1's order; an IP whose rows vanished in between (TTL) is left out.
  return { total: ranked.total, rows: ips.flatMap((ip) => bySrc.get(ip) ?? []), decided };
}

/** Every matching address (capped), for CSV/JSON export and blocklists: the table's own set. */
export async function exportAnomalies(
  ch: ClickHouseClient,
  r: TimeRange,
  f: AnomalyQuery,
  cap: number,
  scope?: AnomalyScope,
): Promise<FlaggedIpRow[]> {
  const s = scope ?? (await anomalyScope(ch, r, f.bots));
  if (s.cycles.cycle_hours.length === 0) return [];
  return select<FlaggedIpRow>(ch, `${fullSql(s, f)} LIMIT {limit:UInt32}`, {
    ...filterParams(r, s, f),
    limit: cap,
  });
}
