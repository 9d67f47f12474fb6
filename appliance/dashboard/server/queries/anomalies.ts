import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { ANOMALIES_TABLE, CURRENT, type CurrentCycles, currentCycles } from './current-anomalies.js';
import { HOURS_IN_RANGE, rangeParams, select, selectWithTotal } from './run.js';

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
   * Case-insensitive text matched against the IP, and the ASN name, reason words, JA4, host and
   * labels of any of the IP's anomalies in the range (not only its top-scored one), or an exact
   * AS number (see Q_ROW).
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

/**
 * The text filter, on one row of ml_detected_anomalies (raw column names): an IP matches when any
 * of its anomalies in the range matches, so callers aggregate it with max(). Shared by the list and
 * the export so both keep the same set of IPs for the same filter. The reason is searched through
 * reason_words (its text with digit runs as '#', migration 0020): the words of a few hundred
 * templates instead of ~130 MB of per-row measurements a busy day. A query with digits therefore
 * never matches inside a reason; it still matches IPs, JA4s and names, and "AS64500" or "64500"
 * matches that AS number exactly.
 */
const Q_ROW = ['src_ip', 'asn_name', 'reason_words', 'ja4', 'host', 'bot_ip_label', 'bot_ja4_label']
  .map((c) => `positionCaseInsensitive(${c}, {q:String}) > 0`)
  .concat('({q_asn:UInt32} != 0 AND asn = {q_asn:UInt32})')
  .join(' OR ');

/** The AS number a query names ("AS64500" or "64500"), or 0. */
function queryAsn(q: string): number {
  const m = /^(?:as)?(\d{1,10})$/i.exec(q.trim());
  const n = m ? Number(m[1]) : 0;
  return n <= 0xffff_ffff ? n : 0;
}

/** The per-IP columns of AnomalyRow, over rows with a_-prefixed columns (ROWS). */
const DETAIL_COLUMNS = `
  max(a_score) AS score, argMax(a_reason, a_score) AS reasons, sum(a_requests) AS requests,
  groupUniqArray(a_ja4) AS ja4s, groupUniqArray(a_host) AS hosts,
  argMax(a_asn, a_score) AS asn, argMax(a_asn_name, a_score) AS asn_name,
  argMax(a_asn_label, a_score) AS asn_label,
  max(a_bot_ip_label) AS bot_ip_label, max(a_bot_ja4_label) AS bot_ja4_label,
  argMax(a_top_user_agent, a_score) AS top_user_agent,
  formatDateTime(min(a_hour), '%FT%TZ') AS first_seen,
  formatDateTime(max(a_hour) + INTERVAL 1 HOUR, '%FT%TZ') AS last_seen`;

/**
 * The current rows (CURRENT) that DETAIL_COLUMNS aggregates, plus `where`. Inner names are
 * prefixed: ClickHouse lets a SELECT alias shadow a column of the same name.
 */
function rowsSql(where: string, extra = ''): string {
  return `
    SELECT src_ip, hour AS a_hour, host AS a_host, ja4 AS a_ja4, score AS a_score, reason AS a_reason,
           requests AS a_requests, asn AS a_asn, asn_name AS a_asn_name, asn_label AS a_asn_label,
           bot_ip_label AS a_bot_ip_label, bot_ja4_label AS a_bot_ja4_label,
           top_user_agent AS a_top_user_agent ${extra}
    FROM ${ANOMALIES_TABLE}
    WHERE ${where}${CURRENT}`;
}

/**
 * Days and hours each address was flagged in over the last 30 days (as view_ip_recurrence counts
 * them: any cycle's flag counts), from ml_ip_flagged_hours (0022): a page's addresses are a few
 * contiguous rows there, where ml_detected_anomalies holds them in every daily partition.
 */
const RECURRENCE_SQL = (where: string) => `
  SELECT src_ip, uniqExact(toDate(hour)) AS recurrence_days, uniqExact(hour) AS recurrence_hours
  FROM ja4_processing.ml_ip_flagged_hours
  WHERE ${where}hour >= toStartOfDay(now() - INTERVAL 30 DAY)
  GROUP BY src_ip`;

/** What a page is ranked by: an aggregate per IP. */
const RANK: Record<Exclude<AnomalySort, 'recurrence_days'>, string> = {
  score: 'max(score)',
  src_ip: 'src_ip',
  requests: 'sum(requests)',
  first_seen: 'min(hour)',
  last_seen: 'max(hour)',
  asn: 'argMax(asn, score)',
};

/**
 * One row per flagged IP in the range, with every column (export, and the recurrence sort, which
 * needs 30 days of every address). Sort columns come from a fixed list, never from the request text.
 */
function fullSql(filter: AnomalyFilter): string {
  return `
    SELECT src_ip, ${DETAIL_COLUMNS},
           any(r.recurrence_days) AS recurrence_days, any(r.recurrence_hours) AS recurrence_hours
    FROM (${rowsSql('', filter.q ? `, (${Q_ROW}) AS a_q` : '')}) AS a
    LEFT JOIN (${RECURRENCE_SQL('')}) AS r USING (src_ip)
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
  const q = f.q ?? '';
  return {
    ...rangeParams(r),
    min_score: f.min_score ?? 0,
    asn_label: f.asn_label ?? '',
    q,
    q_asn: queryAsn(q),
  };
}

/**
 * Phase 1: which IPs are on the page, and how many IPs match (rows_before_limit_at_least, exact
 * with exact_rows_before_limit, also past the last page). Only the aggregates the sort and the
 * filters need are computed. min_score 0 needs no test: scores are 2^-x, in (0, 1].
 */
function pageSql(f: AnomalyFilter): string {
  const rank = RANK[f.sort as keyof typeof RANK];
  const cols: string[] = [];
  const having: string[] = [];
  if (rank !== 'src_ip') cols.push(`${rank} AS k_rank`);
  if ((f.min_score ?? 0) > 0) {
    cols.push('max(score) AS k_score');
    having.push('k_score >= {min_score:Float64}');
  }
  if (f.asn_label) {
    // Whether the top-scored row has the label: the same row as argMax(asn_label, score), but a
    // number per group instead of a copied string (~5 ms on 100k addresses).
    cols.push('argMax(asn_label = {asn_label:String}, score) AS k_asn_label');
    having.push('k_asn_label = 1');
  }
  if (f.q) {
    cols.push(`max(${Q_ROW}) AS k_q`);
    having.push('k_q = 1');
  }
  const key = rank === 'src_ip' ? 'src_ip' : 'k_rank';
  return `
    SELECT src_ip${cols.map((c) => `, ${c}`).join('')}
    FROM ${ANOMALIES_TABLE}
    WHERE ${CURRENT}
    GROUP BY src_ip
    ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
    ORDER BY ${key} ${direction(f)}${key === 'src_ip' ? '' : ', src_ip ASC'}
    LIMIT {limit:UInt32} OFFSET {offset:UInt32}
    SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`;
}

/**
 * Phase 2: every column for the page's IPs only (src_ip IN uses the primary key), and their
 * 30-day recurrence (RECURRENCE_SQL; a test keeps it equal to view_ip_recurrence's), in one
 * round trip.
 */
const DETAILS_SQL = `
  SELECT d.*, r.recurrence_days, r.recurrence_hours
  FROM (
    SELECT src_ip, ${DETAIL_COLUMNS}
    FROM (${rowsSql('src_ip IN {ips:Array(String)} AND ')})
    GROUP BY src_ip
  ) AS d
  LEFT JOIN (${RECURRENCE_SQL('src_ip IN {ips:Array(String)} AND ')}) AS r USING (src_ip)
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
  const cycles = await currentCycles(ch, r);
  if (cycles.cycle_hours.length === 0) return { total: 0, rows: [] };
  const params = { ...filterParams(r, f), ...page, ...cycles };
  if (f.sort === 'recurrence_days') {
    const { rows, total } = await selectWithTotal<AnomalyRow>(
      ch,
      `${fullSql(f)} LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      params,
    );
    return { total, rows };
  }
  const ranked = await selectWithTotal<{ src_ip: string }>(ch, pageSql(f), params);
  if (ranked.rows.length === 0) return { total: ranked.total, rows: [] };
  const ips = ranked.rows.map((x) => x.src_ip);
  const details = await select<AnomalyRow>(ch, DETAILS_SQL, { ...rangeParams(r), ...cycles, ips });
  const bySrc = new Map(details.map((x) => [x.src_ip, x]));
  // Phase 1's order; an IP whose rows vanished in between (TTL) is left out.
  const rows = ips.flatMap((ip) => bySrc.get(ip) ?? []);
  return { total: ranked.total, rows };
}

/** Every matching anomaly, for CSV/JSON export (capped). */
export async function exportAnomalies(ch: ClickHouseClient, r: TimeRange, f: AnomalyFilter, cap: number) {
  return matchingRows(ch, r, f, cap, await currentCycles(ch, r));
}

function matchingRows(
  ch: ClickHouseClient,
  r: TimeRange,
  f: AnomalyFilter,
  cap: number,
  cycles: CurrentCycles,
): Promise<AnomalyRow[]> {
  return select<AnomalyRow>(ch, `${fullSql(f)} LIMIT {limit:UInt32}`, {
    ...filterParams(r, f),
    ...cycles,
    limit: cap,
  });
}

/**
 * What a blocklist is made of, both from one lookup of the current cycles (so the addresses and
 * the JA4s describe the same verdict): the flagged addresses with a score of at least minScore,
 * highest first (capped), and, when asked, the JA4s a WAF may block: known-bot JA4s among the
 * anomalies, and JA4s of flagged IPs that no unflagged client from a human ASN used in the range
 * (blocking those costs no human visitor).
 */
export async function blocklistSources(
  ch: ClickHouseClient,
  r: TimeRange,
  minScore: number,
  cap: number,
  withJa4s: boolean,
): Promise<{ rows: AnomalyRow[]; ja4s: { ja4: string; ips: number; label: string }[] }> {
  const cycles = await currentCycles(ch, r);
  const filter: AnomalyFilter = { min_score: minScore, sort: 'score', order: 'desc' };
  const [rows, ja4s] = await Promise.all([
    matchingRows(ch, r, filter, cap, cycles),
    withJa4s ? blockableJa4s(ch, r, minScore, cycles) : Promise.resolve([]),
  ]);
  return { rows, ja4s };
}

function blockableJa4s(ch: ClickHouseClient, r: TimeRange, minScore: number, cycles: CurrentCycles) {
  return select<{ ja4: string; ips: number; label: string }>(
    ch,
    `SELECT ja4, uniqExact(src_ip) AS ips, max(bot_ja4_label) AS label
     FROM ${ANOMALIES_TABLE}
     WHERE ${CURRENT} AND ja4 != '' AND (score >= {min_score:Float64} OR bot_ja4_label != '')
     GROUP BY ja4
     HAVING label != '' OR ja4 NOT IN (
       SELECT DISTINCT ja4 FROM ja4_processing.agg_host_ip_ja4_1h
       WHERE ${HOURS_IN_RANGE} AND asn_label = 'human'
         AND src_ip NOT IN (SELECT src_ip FROM ${ANOMALIES_TABLE} WHERE ${CURRENT}))
     ORDER BY ips DESC LIMIT 1000`,
    { ...rangeParams(r), ...cycles, min_score: minScore },
  );
}
