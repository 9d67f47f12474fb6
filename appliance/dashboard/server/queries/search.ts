import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchTerm } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { HOURS_IN_RANGE, rangeParams, select, selectWithTotal } from './run.js';
import { busiestOfJa4s } from './search-ja4.js';
import { searchLogs } from './search-logs.js';
import { type Found, ipRow, type Page, ROLLUP_TABLE, type Row } from './search-rows.js';
import { condition } from './search-terms.js';
import { signalsJa4sSql } from './signals-kept.js';

/**
 * Where a search reads: the hourly rollup (a fifth of the requests' rows) when every term is one
 * of its keys, else the requests.
 */
const ROLLUP = {
  table: ROLLUP_TABLE,
  ip: 'src_ip',
  where: 'hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})',
};
const ROLLUP_FIELDS = new Set(['ip', 'cidr', 'ja4', 'host', 'asn']);
/**
 * The ten busiest JA4s of a search and their addresses: from the rollup, exact, or for a search of
 * JA4s alone from the JA4 signals (signalsJa4sSql), with the address counts the fingerprint page
 * shows, where counting a JA4 family's half a million addresses exactly in the rollup cost more
 * than the rest of the search; a large set's first pages come from the busiest addresses kept
 * there (search-ja4.ts).
 */
const ROLLUP_JA4S = (where: string) =>
  `SELECT ja4, sum(hits) AS hits, uniqExact(cityHash64(src_ip)) AS ips FROM ${ROLLUP.table} WHERE ${where}
   GROUP BY ja4 ORDER BY hits DESC, ja4 LIMIT 10`;

/**
 * The requests in the range matching every term: grouped by client address (a page, busiest
 * first), by JA4 (the ten busiest), and in total (how many addresses), all exact. Every value is
 * bound; field names come from a fixed list.
 */
export async function search(
  ch: ClickHouseClient,
  terms: SearchTerm[],
  r: TimeRange,
  page: Page,
): Promise<Found> {
  if (terms.length === 0) return { total: 0, rows: [], ja4s: [] };
  const values = Object.fromEntries(terms.map((t, i) => [`t${i}`, t.value]));
  if (terms.every((t) => ROLLUP_FIELDS.has(t.field))) {
    const params = { ...rangeParams(r), ...values };
    const where = [ROLLUP.where, ...terms.map((t, i) => condition(t, i, ROLLUP.ip))].join(' AND ');
    if (!terms.every((t) => t.field === 'ja4')) {
      return rollupParts(ch, where, ROLLUP_JA4S(where), params, page);
    }
    const signals = [HOURS_IN_RANGE, ...terms.map((t, i) => condition(t, i, ROLLUP.ip))].join(' AND ');
    const busiest = await busiestOfJa4s(ch, { signals, rollup: where }, params, page);
    return busiest ?? rollupParts(ch, where, signalsJa4sSql(signals), params, page);
  }
  return searchLogs(ch, terms, r, values, page);
}

/**
 * A rollup search in three light statements instead of one scan grouped three ways: there the
 * JA4 and total sets paid for every address's aggregates (a JA4 family matches ~1M rollup rows and
 * half a million addresses). The page's addresses and the total (rows before LIMIT, exact) from a
 * grouping by address of the hits alone; their other columns for those addresses only (the
 * primary key holds src_ip); the JA4s grouped on their own (`ja4sSql`: from the rollup, or from
 * the JA4 signals for a search of JA4s alone). Addresses are counted by their 64-bit
 * hash, which sets hash twice as fast as the text (a JA4 family's ~600k addresses: 60 vs 130 ms)
 * and is exact but for a collision (odds ~1e-8 at a million addresses).
 */
async function rollupParts(
  ch: ClickHouseClient,
  where: string,
  ja4sSql: string,
  params: Record<string, unknown>,
  page: Page,
): Promise<Found> {
  const pageOfIps = async () => {
    const top = await selectWithTotal<{ ip: string; hits: number }>(
      ch,
      `SELECT src_ip AS ip, sum(hits) AS hits FROM ${ROLLUP.table} WHERE ${where}
       GROUP BY src_ip ORDER BY hits DESC, ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      { ...params, ...page },
    );
    const details = top.rows.length
      ? await select<Row>(
          ch,
          `SELECT src_ip AS ip, any(asn) AS r_asn, any(asn_name) AS r_asn_name, any(asn_label) AS r_asn_label,
                  groupUniqArray(3)(ja4) AS ja4s, formatDateTime(min(first_seen), '%FT%TZ') AS first_seen,
                  formatDateTime(max(last_seen), '%FT%TZ') AS last_seen
           FROM ${ROLLUP.table} WHERE ${where} AND src_ip IN {page_ips:Array(String)} GROUP BY src_ip`,
          { ...params, page_ips: top.rows.map((x) => x.ip) },
        )
      : [];
    return { top, details };
  };
  // The page's details follow its addresses while the JA4s are still being counted.
  const [{ top, details }, ja4s] = await Promise.all([
    pageOfIps(),
    select<{ ja4: string; hits: number; ips: number }>(ch, ja4sSql, params),
  ]);
  const byIp = new Map(details.map((x) => [x.ip, x]));
  return {
    total: top.total,
    rows: top.rows.map((t) => ipRow({ ...(byIp.get(t.ip) as Row), ip: t.ip, hits: t.hits })),
    ja4s: ja4s.map((x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}
