import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchIp, SearchResponse, SearchTerm } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select, selectWithTotal } from './run.js';

const IN_RANGE = `ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)`;

/** The SQL condition of one term on http_logs, its value bound as {t<i>:…}. */
function condition(t: SearchTerm, i: number): string {
  const v = `{t${i}:String}`;
  switch (t.field) {
    case 'ip':
      return `client_ip = ${v}`;
    case 'cidr':
      return `isIPAddressInRange(client_ip, ${v})`;
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

/**
 * The requests in the range matching every term, grouped by client address (a page of them, with
 * the total), and the JA4s they used. Every value is bound; field names come from a fixed list.
 */
export async function search(
  ch: ClickHouseClient,
  terms: SearchTerm[],
  r: TimeRange,
  page: { offset: number; limit: number },
): Promise<Pick<SearchResponse, 'total' | 'rows' | 'ja4s'>> {
  if (terms.length === 0) return { total: 0, rows: [], ja4s: [] };
  const where = [IN_RANGE, ...terms.map(condition)].join(' AND ');
  const p = { ...rangeParams(r), ...Object.fromEntries(terms.map((t, i) => [`t${i}`, t.value])), ...page };
  const [ips, ja4s] = await Promise.all([
    // Aliases differ from the column names: an alias would shadow its column in WHERE.
    selectWithTotal<SearchIp & { r_asn: number; r_asn_name: string; r_asn_label: string }>(
      ch,
      `SELECT client_ip AS ip, count() AS hits, any(asn) AS r_asn, any(asn_name) AS r_asn_name,
              any(asn_label) AS r_asn_label, groupUniqArray(3)(ja4) AS ja4s,
              formatDateTime(min(ts), '%FT%TZ') AS first_seen, formatDateTime(max(ts), '%FT%TZ') AS last_seen
       FROM ja4_processing.http_logs WHERE ${where}
       GROUP BY ip ORDER BY hits DESC, ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}
       SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
      p,
    ),
    select<{ ja4: string; hits: number; ips: number }>(
      ch,
      `SELECT ja4, count() AS hits, uniq(client_ip) AS ips FROM ja4_processing.http_logs WHERE ${where}
       GROUP BY ja4 ORDER BY hits DESC LIMIT 10`,
      p,
    ),
  ]);
  const rows = ips.rows.map(({ r_asn, r_asn_name, r_asn_label, ...x }) => ({
    ...x,
    asn: r_asn,
    asn_name: r_asn_name,
    asn_label: r_asn_label,
  }));
  return {
    total: ips.total,
    rows,
    ja4s: ja4s.map((x) => ({ ...x, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}
