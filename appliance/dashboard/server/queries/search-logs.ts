import type { ClickHouseClient } from '../../../common/index.js';
import type { LogsRange } from './logs-range.js';
import { select } from './run.js';
import { type Found, ipRow, type Page, type Row } from './search-rows.js';

/**
 * A search of the requests (logs-range.ts): one scan of the matching rows (reading them costs
 * most), first grouped by (address, JA4) with a count and the first and last hour, then that
 * smaller set grouped three ways (GROUPING(ip, ja4): 1 = by address, 2 = by JA4, 3 = all). The
 * scan's columns are all in http_logs' copy sorted by user agent and path (projection
 * by_user_agent_path, migration 0040), where the matching requests lie together: ClickHouse
 * reads the range's whole hours there, and the addresses only in the granules that hold matches.
 * The page's addresses then get their exact first and last times and their AS from their rows of
 * those hours only (pageDetails), instead of carrying ts through every pair: the scan reads no ts
 * but in the range's partial hours. Addresses are counted by their 64-bit hash (search.ts,
 * rollupParts). Aliases differ from column names: an alias would shadow its column in WHERE.
 */
export async function searchLogs(
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
