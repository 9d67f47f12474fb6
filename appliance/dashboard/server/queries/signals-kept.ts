import type { ClickHouseClient } from '../../../common/index.js';
import { select } from './run.js';

/**
 * What agg_ja4_signals_1h (migration 0034) keeps per hour and JA4 that lets a page of a busy
 * JA4's addresses skip ranking them all: an estimate of how many there are (uniqCombined: exact
 * for small sets, ~1.6% off above a few thousand) and the 100 busiest (approx_top_count, merged
 * over hours they stay a good estimate of the range's busiest). The fingerprint page and a search
 * of JA4s alone read their first pages from these addresses, then count their requests exactly
 * in the rollup.
 */
export const SIGNALS_TABLE = 'ja4_processing.agg_ja4_signals_1h';
export const TOP_KEPT = 100;
/** Below this many addresses (estimated) the exact grouping is cheap enough for every page. */
export const EXACT_BELOW = 2000;

export interface Kept {
  /** The estimated number of addresses. */
  estimate: number;
  /** The busiest addresses kept, busiest first; undefined when the exact grouping is wanted. */
  top: string[] | undefined;
}

/**
 * The signals' estimate and busiest addresses over the rows `where` selects, and whether `page`
 * lies within them: a set below EXACT_BELOW, or a page past the addresses kept, is grouped exactly.
 */
export async function keptAddresses(
  ch: ClickHouseClient,
  where: string,
  params: Record<string, unknown>,
  page: { offset: number; limit: number },
): Promise<Kept> {
  const [row] = await select<{ ips: number; top: string[] }>(
    ch,
    `SELECT uniqCombinedMerge(12)(ips) AS ips, arrayMap(t -> t.item, approx_top_countMerge(${TOP_KEPT})(top_ips)) AS top
     FROM ${SIGNALS_TABLE} WHERE ${where}`,
    params,
  );
  const estimate = Number(row?.ips ?? 0);
  const top = row?.top ?? [];
  const within = estimate >= EXACT_BELOW && page.offset + page.limit <= Math.min(TOP_KEPT, top.length);
  return { estimate, top: within ? top : undefined };
}

/** The ten busiest JA4s of the rows `where` selects, with the signals' address estimate. */
export const signalsJa4sSql = (where: string) =>
  `SELECT ja4, sum(hits) AS hits, uniqCombinedMerge(12)(ips) AS ips FROM ${SIGNALS_TABLE} WHERE ${where}
   GROUP BY ja4 ORDER BY hits DESC, ja4 LIMIT 10
   SETTINGS output_format_json_quote_64bit_integers = 0`;
