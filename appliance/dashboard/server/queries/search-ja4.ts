import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchIp } from '../../api/index.js';
import { select } from './run.js';
import { type Found, type Page, ROLLUP_TABLE } from './search-rows.js';
import { keptAddresses, signalsJa4sSql } from './signals-kept.js';

/**
 * A search of JA4s alone (`ja4:t13d1516h2_*`), answered as the fingerprint page answers one JA4.
 * A JA4 family has hundreds of thousands of addresses; ranking them all exactly grouped the
 * rollup by every one of them. The first pages are the busiest addresses the JA4 signals kept
 * (signals-kept.ts), their requests then counted exactly in the rollup for them alone, and the
 * total is the signals' estimate. Returns undefined when the exact grouping is wanted instead.
 * `where.signals` and `where.rollup` hold the same JA4 conditions over the same hours.
 */
export async function busiestOfJa4s(
  ch: ClickHouseClient,
  where: { signals: string; rollup: string },
  params: Record<string, unknown>,
  page: Page,
): Promise<(Found & { total_estimated: true }) | undefined> {
  const kept = await keptAddresses(ch, where.signals, params, page);
  if (kept.top === undefined) return undefined;
  const rows = await select<SearchIp>(
    ch,
    `SELECT src_ip AS ip, sum(hits) AS hits, any(asn) AS asn, any(asn_name) AS asn_name, any(asn_label) AS asn_label,
            groupUniqArray(3)(ja4) AS ja4s, formatDateTime(min(first_seen), '%FT%TZ') AS first_seen,
            formatDateTime(max(last_seen), '%FT%TZ') AS last_seen
     FROM ${ROLLUP_TABLE} WHERE ${where.rollup} AND src_ip IN {top_ips:Array(String)}
     GROUP BY src_ip ORDER BY hits DESC, ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS output_format_json_quote_64bit_integers = 0`,
    { ...params, ...page, top_ips: kept.top },
  );
  const ja4s = await select<{ ja4: string; hits: number; ips: number }>(
    ch,
    signalsJa4sSql(where.signals),
    params,
  );
  return {
    total: kept.estimate,
    total_estimated: true,
    rows: rows.map((x) => ({ ...x, hits: Number(x.hits), asn: Number(x.asn) })),
    ja4s: ja4s.map((x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips) })),
  };
}
