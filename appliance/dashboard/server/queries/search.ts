import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchIp, SearchResponse, SearchTerm } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { type LogsRange, logsRange } from './logs-range.js';
import { HOURS_IN_RANGE, rangeParams, select, selectWithTotal } from './run.js';
import { busiestOfJa4s } from './search-ja4.js';
import { signalsJa4sSql } from './signals-kept.js';

/** Where a search reads: the hourly rollup when every term is one of its keys, else the requests. */
/** agg_host_ip_ja4_1h: one row per (hour, host, address, JA4), a fifth of the requests' rows. */
const ROLLUP = {
  table: 'ja4_processing.agg_host_ip_ja4_1h',
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

/** The SQL condition of one term, its value bound as {t<i>:…}. */
function condition(t: SearchTerm, i: number, ip: string): string {
  const v = `{t${i}:String}`;
  switch (t.field) {
    case 'ip':
      return `${ip} = ${v}`;
    case 'cidr':
      return `isIPAddressInRange(${ip}, ${v})`;
    case 'ja4':
      return t.value.endsWith('*') ? `startsWith(ja4, replaceOne(${v}, '*', ''))` : `ja4 = ${v}`;
    case 'ja3':
      return `ja3 = ${v}`;
    case 'asn':
      return `asn = toUInt32(${v})`;
    case 'status':
      return t.value.endsWith('xx')
        ? `intDiv(status, 100) = toUInt16(substring(${v}, 1, 1))`
        : `status = toUInt16(${v})`;
    case 'host':
      return `positionCaseInsensitive(host, ${v}) > 0`;
    case 'path':
      return `position(path, ${v}) > 0`;
    case 'ua':
      return `positionCaseInsensitive(user_agent, ${v}) > 0`;
  }
}

type Row = SearchIp & {
  r_asn: number;
  r_asn_name: string;
  r_asn_label: string;
};
type Found = Pick<SearchResponse, 'total' | 'rows' | 'ja4s'> & { total_estimated?: boolean };
type Page = { offset: number; limit: number };

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
  const logs = logsRange(r);
  const where = terms.map((t, i) => condition(t, i, 'client_ip')).join(' AND ');
  return grouped(ch, logs, where, { ...logs.params, ...values }, page);
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

function ipRow(x: Row): SearchIp {
  return {
    ip: x.ip,
    hits: Number(x.hits),
    asn: Number(x.r_asn),
    asn_name: x.r_asn_name,
    asn_label: x.r_asn_label,
    ja4s: x.ja4s,
    first_seen: x.first_seen,
    last_seen: x.last_seen,
  };
}

/**
 * A search of the requests (logs-range.ts): one scan of the matching rows (reading them costs
 * most), first grouped by (address, JA4) with a count and the first and last hour, then that
 * smaller set grouped three ways (GROUPING(ip, ja4): 1 = by address, 2 = by JA4, 3 = all). The
 * page's addresses then get their exact first and last times and their AS from their rows of
 * those hours only (pageDetails), instead of carrying ts through every pair: the scan reads no ts
 * but in the range's partial hours. Addresses are counted by their 64-bit hash (see rollupParts).
 * Aliases differ from column names: an alias would shadow its column in WHERE.
 */
async function grouped(
  ch: ClickHouseClient,
  logs: LogsRange,
  where: string,
  params: Record<string, unknown>,
  page: Page,
): Promise<Found> {
  const rows = await select<Counted>(
    ch,
    `SELECT GROUPING(client_ip, ja4) AS g, client_ip AS ip, ja4, sum(c) AS hits,
            uniqExact(cityHash64(client_ip)) AS ips, groupUniqArray(3)(ja4) AS ja4s,
            toString(min(h0)) AS first_hour, toString(max(h1)) AS last_hour
     FROM (SELECT client_ip, ja4, count() AS c, min(hour) AS h0, max(hour) AS h1
           FROM (${logs.select('client_ip, ja4, hour', where)}) GROUP BY client_ip, ja4)
     GROUP BY GROUPING SETS ((client_ip), (ja4), ())
     ORDER BY g, hits DESC, ip, ja4
     LIMIT {upto:UInt32} BY g
     SETTINGS output_format_json_quote_64bit_integers = 0`,
    { ...params, upto: Math.max(10, page.offset + page.limit) },
  );
  const set = (g: number) => rows.filter((x) => Number(x.g) === g);
  const top = set(1).slice(page.offset, page.offset + page.limit);
  const byIp = await pageDetails(ch, logs, where, params, top);
  return {
    total: Number(set(3)[0]?.ips ?? 0),
    rows: top.map((t) => ipRow({ ...(byIp.get(t.ip) as Row), ip: t.ip, hits: t.hits, ja4s: t.ja4s })),
    ja4s: set(2)
      .slice(0, 10)
      .map((x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}

type Counted = { g: number; ip: string; ja4: string; hits: number; ips: number; ja4s: string[] } & {
  first_hour: string;
  last_hour: string;
};

/**
 * The first and last matching request and the AS of each address of a page, read from its first
 * and last hour only: the primary key (toStartOfHour(ts) first) keeps the read to those hours'
 * granules, where a busy address's rows fill every hour of the range.
 */
async function pageDetails(
  ch: ClickHouseClient,
  logs: LogsRange,
  where: string,
  params: Record<string, unknown>,
  top: Counted[],
): Promise<Map<string, Row>> {
  if (top.length === 0) return new Map();
  const details = await select<Row>(
    ch,
    `SELECT client_ip AS ip, any(asn) AS r_asn, any(asn_name) AS r_asn_name, any(asn_label) AS r_asn_label,
            formatDateTime(min(ts), '%FT%TZ') AS first_seen, formatDateTime(max(ts), '%FT%TZ') AS last_seen
     FROM ja4_processing.http_logs
     WHERE ${logs.exact} AND ${where} AND client_ip IN {page_ips:Array(String)}
       AND toStartOfHour(ts) IN {page_hours:Array(DateTime('UTC'))}
     GROUP BY client_ip`,
    {
      ...params,
      page_ips: top.map((x) => x.ip),
      page_hours: [...new Set(top.flatMap((x) => [x.first_hour, x.last_hour]))],
    },
  );
  return new Map(details.map((x) => [x.ip, x]));
}
