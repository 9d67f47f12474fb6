import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchTerm } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { LOGS_TABLE, type LogsRange, logsRange } from './logs-range.js';
import { select } from './run.js';
import { type Found, ipRow, type Page, type Row } from './search-rows.js';
import { condition } from './search-terms.js';
import { valueLists } from './search-values.js';

/** What a search counts per (address, JA4) pair: each as read from requests, and as pairs merge. */
const PAIR = {
  c: ['count()', 'sum(c)'],
  t0: ['min(ts)', 'min(t0)'],
  t1: ['max(ts)', 'max(t1)'],
  a: ['any(asn)', 'any(a)'],
  an: ['any(asn_name)', 'any(an)'],
  al: ['any(asn_label)', 'any(al)'],
} as const;
type PairColumn = keyof typeof PAIR;
const COUNTS: PairColumn[] = ['c'];
const DETAILED: PairColumn[] = ['c', 't0', 't1', 'a', 'an', 'al'];

/** Per address, from its pairs: its AS, first and last matching request, three busiest JA4s. */
const DETAILS = `any(a) AS r_asn, any(an) AS r_asn_name, any(al) AS r_asn_label,
  formatDateTime(min(t0), '%FT%TZ') AS first_seen, formatDateTime(max(t1), '%FT%TZ') AS last_seen,
  arraySlice(arrayMap(x -> x.2, arrayReverseSort(groupArray((c, ja4)))), 1, 3) AS ja4s`;

/**
 * The most requests a `ua:` search's terms may match for the page's details to come with the
 * count (Plan.together). Bench, one day of 10M requests: `ua:curl` (595k requests, 13k addresses)
 * 95 ms together against 140 apart; `ua:mozilla` (8M requests, 1M addresses) 3.7 s together
 * against 1.2 s apart.
 */
const TOGETHER_MAX_REQUESTS = 1_000_000;

/** A way to read a search's matching requests as (address, JA4) pairs, one row per pair. */
interface Plan {
  pairs(columns: PairColumn[], also?: string): string;
  /**
   * Whether the page's details come with the count: cheap where the pairs are few (a `ua:`
   * search of a few hundred thousand requests reads them pre-counted), dearer than a second read
   * of the page's addresses where the addresses are many (a `path:/wp-login.php` botnet: 49k
   * addresses for 72k requests; every browser's `ua:mozilla`).
   */
  together: boolean;
}

/**
 * Where a search of the requests reads the rows it matches. http_logs keeps two copies of what a
 * search reads (projections, migration 0041) beside the table sorted by (hour, host, address,
 * ts), where a `ua:` or `path:` search's matches lie in most granules:
 * - `user_agent_ip_ja4_1h`, the requests counted per (user agent, hour, address, JA4) with their
 *   first and last time and AS: a `ua:` search reads its user agents' rows there, a twentieth of
 *   the requests, for the range's whole hours; the partial first and last hours (that copy has no
 *   single requests) are read from the table by its primary key.
 * - `by_path`, the requests with the searched columns and ts sorted by (path, hour): any other
 *   search reads it (or the table, where ClickHouse finds fewer granules to read) in one
 *   statement. PREWHERE holds the terms, so the addresses and ts are read only in granules with a
 *   match: otherwise ClickHouse tests the range's ts first, in every granule.
 */
function plan(terms: SearchTerm[], logs: LogsRange, where: string, requests: number): Plan {
  const select = (columns: PairColumn[], i: 0 | 1) =>
    ['client_ip', 'ja4', ...columns.map((c) => `${PAIR[c][i]} AS ${c}`)].join(', ');
  if (!terms.every((t) => t.field === 'ua')) {
    return {
      together: false,
      pairs: (columns, also = '1') =>
        `SELECT ${select(columns, 0)} FROM ${LOGS_TABLE} PREWHERE ${where} WHERE ${logs.exact} AND ${also}
         GROUP BY client_ip, ja4`,
    };
  }
  const parts = [logs.whole, logs.edges].filter((p) => p !== '0');
  return {
    together: requests <= TOGETHER_MAX_REQUESTS,
    pairs: (columns, also = '1') =>
      `SELECT ${select(columns, 1)} FROM (${(parts.length ? parts : ['0'])
        .map(
          (p) =>
            `SELECT ${select(columns, 0)} FROM ${LOGS_TABLE} WHERE ${p} AND ${where} AND ${also} GROUP BY client_ip, ja4`,
        )
        .join('\nUNION ALL\n')}) GROUP BY client_ip, ja4`,
  };
}

/**
 * A search of the requests: the values its `ua:` and `path:` terms match (search-values.ts),
 * then one statement counting the matching requests by (address, JA4) and grouping those pairs
 * three ways (GROUPING(ip, ja4): 1 = by address, 2 = by JA4, 3 = all), with the addresses' details
 * or followed by a read of the page's addresses' details alone (Plan.together). Addresses are counted by
 * their 64-bit hash (search.ts, rollupParts). Aliases differ from column names: an alias would
 * shadow its column in WHERE.
 */
export async function searchLogs(
  ch: ClickHouseClient,
  terms: SearchTerm[],
  r: TimeRange,
  values: Record<string, string>,
  page: Page,
): Promise<Found> {
  const logs = logsRange(r);
  const found = await valueLists(ch, terms, logs, values);
  if (found === null) return { total: 0, rows: [], ja4s: [] };
  const { lists, requests } = found;
  const params = {
    ...logs.params,
    ...values,
    ...Object.fromEntries([...lists].map(([i, l]) => [`l${i}`, l])),
  };
  const where = terms.map((t, i) => condition(t, i, 'client_ip', lists.has(i))).join(' AND ');
  const how = plan(terms, logs, where, requests);
  const rows = await select<Counted & Partial<Row>>(
    ch,
    `SELECT GROUPING(client_ip, ja4) AS g, client_ip AS ip, ja4, sum(c) AS hits,
            uniqExact(cityHash64(client_ip)) AS ips${how.together ? `, ${DETAILS}` : ''}
     FROM (${how.pairs(how.together ? DETAILED : COUNTS)})
     GROUP BY GROUPING SETS ((client_ip), (ja4), ())
     ORDER BY g, hits DESC, ip, ja4
     LIMIT {upto:UInt32} BY g
     SETTINGS output_format_json_quote_64bit_integers = 0`,
    { ...params, upto: Math.max(10, page.offset + page.limit) },
  );
  const set = (g: number) => rows.filter((x) => Number(x.g) === g);
  const top = set(1).slice(page.offset, page.offset + page.limit);
  const byIp = how.together
    ? new Map(top.map((t) => [t.ip, t as Row]))
    : await pageDetails(ch, how, params, top);
  return {
    total: Number(set(3)[0]?.ips ?? 0),
    rows: top.map((t) => ipRow({ ...(byIp.get(t.ip) as Row), ip: t.ip, hits: t.hits })),
    ja4s: set(2)
      .slice(0, 10)
      .map((x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}

type Counted = { g: number; ip: string; ja4: string; hits: number; ips: number };

/**
 * The page's addresses' details (DETAILS), read the way the search read its matches with the
 * addresses added to the condition: a copy sorted by the searched column holds them in the
 * granules of its key's values.
 */
async function pageDetails(
  ch: ClickHouseClient,
  how: Plan,
  params: Record<string, unknown>,
  top: Counted[],
): Promise<Map<string, Row>> {
  if (top.length === 0) return new Map();
  const details = await select<Row>(
    ch,
    `SELECT client_ip AS ip, ${DETAILS}
     FROM (${how.pairs(DETAILED, 'client_ip IN {page_ips:Array(String)}')})
     GROUP BY client_ip`,
    { ...params, page_ips: top.map((x) => x.ip) },
  );
  return new Map(details.map((x) => [x.ip, x]));
}
