import type { ClickHouseClient } from '../../../common/index.js';
import type { SearchTerm } from '../../api/index.js';
import { LOGS_TABLE, type LogsRange } from './logs-range.js';
import { select } from './run.js';
import { LISTED, textTest } from './search-terms.js';

/**
 * The most values a term is looked up into. Past it the term stays a substring test alone: a
 * list that long narrows a copy's reads little and costs its own set.
 */
export const VALUE_LIST_MAX = 1000;

/**
 * The most bytes of values a term's list may hold. A server takes bound parameters in the URL,
 * which it caps (http_max_uri_size, 1 MiB by default), and a page's addresses ride there too.
 */
export const VALUE_LIST_MAX_BYTES = 64 * 1024;

/**
 * Each listed term's values (by term index) and the fewest requests any of those terms matches
 * (an upper bound of the search's; Infinity when no term was listed), or `null` when a term
 * matches no request.
 */
export type ValueLists = { lists: Map<number, string[]>; requests: number } | null;

/**
 * The user agents and paths in the range that the search's `ua:` and `path:` terms match. A
 * substring test skips no granule of a copy sorted by that column; the values it matches, as an
 * `IN` list, are ranges of that copy's key, so only their granules are read. They come from
 * http_logs' hourly copy of (hour, path, user agent) counts (projection path_user_agent_1h,
 * migration 0041), a few rows per hour and value, over every hour the range touches (a superset:
 * the search itself tests the range exactly).
 */
export async function valueLists(
  ch: ClickHouseClient,
  terms: SearchTerm[],
  logs: LogsRange,
  params: Record<string, unknown>,
): Promise<ValueLists> {
  const lists = new Map<number, string[]>();
  let requests = Number.POSITIVE_INFINITY;
  for (const [i, t] of terms.entries()) {
    const column = LISTED[t.field];
    if (!column) continue;
    const rows = await select<{ v: string; n: number }>(
      ch,
      `SELECT ${column} AS v, count() AS n FROM ${LOGS_TABLE}
       WHERE ${logs.hours} AND ${textTest(t, i)}
       GROUP BY ${column} LIMIT {most:UInt32}
       SETTINGS output_format_json_quote_64bit_integers = 0`,
      { ...logs.params, ...params, most: VALUE_LIST_MAX + 1 },
    );
    if (rows.length === 0) return null;
    const bytes = rows.reduce((sum, x) => sum + Buffer.byteLength(x.v), 0);
    if (rows.length > VALUE_LIST_MAX || bytes > VALUE_LIST_MAX_BYTES) continue;
    lists.set(
      i,
      rows.map((x) => x.v),
    );
    requests = Math.min(
      requests,
      rows.reduce((sum, x) => sum + Number(x.n), 0),
    );
  }
  return { lists, requests };
}
