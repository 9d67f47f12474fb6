import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchIp, SearchResponse, SearchTerm } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select, selectWithTotal } from './run.js';

/** Where a search reads: the hourly rollup when every term is one of its keys, else the requests. */
const LOGS = {
  table: 'ja4_processing.http_logs',
  ip: 'client_ip',
  where: 'ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)',
};
/** agg_host_ip_ja4_1h: one row per (hour, host, address, JA4), a fifth of the requests' rows. */
const ROLLUP = {
  table: 'ja4_processing.agg_host_ip_ja4_1h',
  ip: 'src_ip',
  where: 'hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})',
};
const ROLLUP_FIELDS = new Set(['ip', 'cidr', 'ja4', 'host', 'asn']);

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
  g: number;
  ja4: string;
  ips: number;
  r_asn: number;
  r_asn_name: string;
  r_asn_label: string;
};
type Found = Pick<SearchResponse, 'total' | 'rows' | 'ja4s'>;
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
  const onRollup = terms.every((t) => ROLLUP_FIELDS.has(t.field));
  const s = onRollup ? ROLLUP : LOGS;
  const where = [s.where, ...terms.map((t, i) => condition(t, i, s.ip))].join(' AND ');
  const params = { ...rangeParams(r), ...Object.fromEntries(terms.map((t, i) => [`t${i}`, t.value])) };
  return onRollup ? rollupParts(ch, where, params, page) : grouped(ch, where, params, page);
}

/**
 * A rollup search in three light statements instead of one scan grouped three ways: there the
 * JA4 and total sets paid for every address's aggregates (a JA4 family matches ~1M rollup rows and
 * half a million addresses). The page's addresses and the total (rows before LIMIT, exact) from a
 * grouping by address of the hits alone; their other columns for those addresses only (the
 * primary key holds src_ip); the JA4s grouped on their own. Addresses are counted by their 64-bit
 * hash, which sets hash twice as fast as the text (a JA4 family's ~600k addresses: 60 vs 130 ms)
 * and is exact but for a collision (odds ~1e-8 at a million addresses).
 */
async function rollupParts(
  ch: ClickHouseClient,
  where: string,
  params: Record<string, unknown>,
  page: Page,
): Promise<Found> {
  const [top, ja4s] = await Promise.all([
    selectWithTotal<{ ip: string; hits: number }>(
      ch,
      `SELECT src_ip AS ip, sum(hits) AS hits FROM ${ROLLUP.table} WHERE ${where}
       GROUP BY src_ip ORDER BY hits DESC, ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      { ...params, ...page },
    ),
    select<{ ja4: string; hits: number; ips: number }>(
      ch,
      `SELECT ja4, sum(hits) AS hits, uniqExact(cityHash64(src_ip)) AS ips FROM ${ROLLUP.table} WHERE ${where}
       GROUP BY ja4 ORDER BY hits DESC, ja4 LIMIT 10`,
      params,
    ),
  ]);
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
 * A search of the requests: one scan (reading the matching rows costs most), first grouped by
 * (address, JA4), then that smaller set grouped three ways (GROUPING(ip, ja4): 1 = by address,
 * 2 = by JA4, 3 = all), so the three-way grouping's per-group aggregates run over pairs, not
 * requests. Aliases differ from column names: an alias would shadow its column in WHERE.
 */
async function grouped(
  ch: ClickHouseClient,
  where: string,
  params: Record<string, unknown>,
  page: Page,
): Promise<Found> {
  const rows = await select<Row>(
    ch,
    `SELECT GROUPING(client_ip, ja4) AS g, client_ip AS ip, ja4, sum(c) AS hits,
            uniqExact(client_ip) AS ips, any(a) AS r_asn, any(an) AS r_asn_name, any(al) AS r_asn_label,
            groupUniqArray(3)(ja4) AS ja4s,
            formatDateTime(min(f), '%FT%TZ') AS first_seen, formatDateTime(max(l), '%FT%TZ') AS last_seen
     FROM (SELECT client_ip, ja4, count() AS c, min(ts) AS f, max(ts) AS l,
                  any(asn) AS a, any(asn_name) AS an, any(asn_label) AS al
           FROM ${LOGS.table} WHERE ${where} GROUP BY client_ip, ja4)
     GROUP BY GROUPING SETS ((client_ip), (ja4), ())
     ORDER BY g, hits DESC, ip, ja4
     LIMIT {upto:UInt32} BY g
     SETTINGS output_format_json_quote_64bit_integers = 0`,
    { ...params, upto: Math.max(10, page.offset + page.limit) },
  );
  const set = (g: number) => rows.filter((x) => Number(x.g) === g);
  return {
    total: Number(set(3)[0]?.ips ?? 0),
    rows: set(1)
      .slice(page.offset, page.offset + page.limit)
      .map(ipRow),
    ja4s: set(2)
      .slice(0, 10)
      .map((x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}
