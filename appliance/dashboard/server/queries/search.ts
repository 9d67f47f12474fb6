import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchIp, SearchResponse, SearchTerm } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select } from './run.js';

/** Where a search reads: the hourly rollup when every term is one of its keys, else the requests. */
interface Source {
  table: string;
  ip: string;
  where: string;
  hits: string;
  first: string;
  last: string;
}
const LOGS: Source = {
  table: 'ja4_processing.http_logs',
  ip: 'client_ip',
  where: 'ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)',
  hits: 'count()',
  first: 'min(ts)',
  last: 'max(ts)',
};
/** agg_host_ip_ja4_1h: one row per (hour, host, address, JA4), a fifth of the requests' rows. */
const ROLLUP: Source = {
  table: 'ja4_processing.agg_host_ip_ja4_1h',
  ip: 'src_ip',
  where: 'hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})',
  hits: 'sum(hits)',
  first: 'min(first_seen)',
  last: 'max(last_seen)',
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

/**
 * The requests in the range matching every term, in one scan: grouped by client address (a page,
 * busiest first), by JA4 (the ten busiest), and in total (how many addresses). Every value is
 * bound; field names come from a fixed list. Aliases differ from column names: an alias would
 * shadow its column in WHERE. GROUPING(ip, ja4): 1 = the address set, 2 = the JA4 set, 3 = all.
 */
export async function search(
  ch: ClickHouseClient,
  terms: SearchTerm[],
  r: TimeRange,
  page: { offset: number; limit: number },
): Promise<Pick<SearchResponse, 'total' | 'rows' | 'ja4s'>> {
  if (terms.length === 0) return { total: 0, rows: [], ja4s: [] };
  const s = terms.every((t) => ROLLUP_FIELDS.has(t.field)) ? ROLLUP : LOGS;
  const where = [s.where, ...terms.map((t, i) => condition(t, i, s.ip))].join(' AND ');
  const rows = await select<Row>(
    ch,
    `SELECT GROUPING(${s.ip}, ja4) AS g, ${s.ip} AS ip, ja4, ${s.hits} AS hits,
            uniqExact(${s.ip}) AS ips, any(asn) AS r_asn, any(asn_name) AS r_asn_name, any(asn_label) AS r_asn_label,
            groupUniqArray(3)(ja4) AS ja4s,
            formatDateTime(${s.first}, '%FT%TZ') AS first_seen, formatDateTime(${s.last}, '%FT%TZ') AS last_seen
     FROM ${s.table} WHERE ${where}
     GROUP BY GROUPING SETS ((${s.ip}), (ja4), ())
     ORDER BY g, hits DESC, ip, ja4
     LIMIT {upto:UInt32} BY g
     SETTINGS output_format_json_quote_64bit_integers = 0`,
    {
      ...rangeParams(r),
      ...Object.fromEntries(terms.map((t, i) => [`t${i}`, t.value])),
      upto: Math.max(10, page.offset + page.limit),
    },
  );
  const set = (g: number) => rows.filter((x) => Number(x.g) === g);
  return {
    total: Number(set(3)[0]?.ips ?? 0),
    rows: set(1)
      .slice(page.offset, page.offset + page.limit)
      .map((x) => ({
        ip: x.ip,
        hits: Number(x.hits),
        asn: Number(x.r_asn),
        asn_name: x.r_asn_name,
        asn_label: x.r_asn_label,
        ja4s: x.ja4s,
        first_seen: x.first_seen,
        last_seen: x.last_seen,
      })),
    ja4s: set(2)
      .slice(0, 10)
      .map((x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}
