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
type Found = Pick<SearchResponse, 'total' | 'rows' | 'ja4s'>;

/** Above this many matching addresses a rollup search ranks from a top-k sketch first. */
const SKETCH_ABOVE = 5000;

/**
 * The requests in the range matching every term: grouped by client address (a page, busiest
 * first), by JA4 (the ten busiest), and in total (how many addresses). Every value is bound;
 * field names come from a fixed list. A search on the rollup that matches many addresses (a JA4
 * family, a big network) would group them all to rank them; it first takes the busiest from a
 * Space-Saving sketch (approx_top_sum) and counts those exactly.
 */
export async function search(
  ch: ClickHouseClient,
  terms: SearchTerm[],
  r: TimeRange,
  page: { offset: number; limit: number },
  sketchAbove = SKETCH_ABOVE,
): Promise<Found> {
  if (terms.length === 0) return { total: 0, rows: [], ja4s: [] };
  const s = terms.every((t) => ROLLUP_FIELDS.has(t.field)) ? ROLLUP : LOGS;
  const where = [s.where, ...terms.map((t, i) => condition(t, i, s.ip))].join(' AND ');
  const params = { ...rangeParams(r), ...Object.fromEntries(terms.map((t, i) => [`t${i}`, t.value])) };
  const upto = Math.max(10, page.offset + page.limit);
  if (s === ROLLUP) {
    const [sk] = await select<{ n: number; ips: string[]; ja4s: string[] }>(
      ch,
      `SELECT uniq(src_ip) AS n, arrayMap(t -> t.item, approx_top_sum({upto:UInt32})(src_ip, hits)) AS ips,
              arrayMap(t -> t.item, approx_top_sum(10)(ja4, hits)) AS ja4s
       FROM ${s.table} WHERE ${where}`,
      { ...params, upto },
    );
    if (Number(sk?.n ?? 0) > sketchAbove) {
      // The sketch's addresses and JA4s, each counted whole by its own filter.
      const keep = { ips: new Set(sk.ips), ja4s: new Set(sk.ja4s) };
      const p = { ...params, top_ips: sk.ips, top_ja4s: sk.ja4s };
      const ips = await grouped(ch, s, `${where} AND src_ip IN {top_ips:Array(String)}`, p, upto, page, keep);
      const ja4s = await grouped(ch, s, `${where} AND ja4 IN {top_ja4s:Array(String)}`, p, upto, page, keep);
      return { total: Number(sk.n), rows: ips.rows, ja4s: ja4s.ja4s };
    }
  }
  return grouped(ch, s, where, params, upto, page);
}

/**
 * One scan grouped three ways (GROUPING(ip, ja4): 1 = by address, 2 = by JA4, 3 = all). Aliases
 * differ from column names: an alias would shadow its column in WHERE.
 */
async function grouped(
  ch: ClickHouseClient,
  s: Source,
  where: string,
  params: Record<string, unknown>,
  upto: number,
  page: { offset: number; limit: number },
  keep?: { ips: Set<string>; ja4s: Set<string> },
): Promise<Found> {
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
    { ...params, upto },
  );
  // With a sketch, only its addresses and JA4s are counted whole: other groups are partial.
  const kept = (x: Row) => !keep || (Number(x.g) === 1 ? keep.ips.has(x.ip) : keep.ja4s.has(x.ja4));
  const set = (g: number) => rows.filter((x) => Number(x.g) === g && (g === 3 || kept(x)));
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
