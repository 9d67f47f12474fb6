import type { ClickHouseClient } from '../../../common/index.js';
import type { Ja4Signal, SIGNAL_SORTS } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { HOURS_IN_RANGE, rangeParams, selectWithTotal } from './run.js';
import { FLAGGED } from './traffic-source.js';

type SignalSort = (typeof SIGNAL_SORTS)[number];

const SORT_KEY: Record<SignalSort, string> = {
  requests: 'requests',
  ips: 'ips',
  flagged_share: 'flagged_share',
  first_seen: 'first_seen_all',
  last_seen: 'last_seen_t',
  asns: 'asns',
};

/**
 * Per-JA4 local signals over the range, from agg_ja4_signals_1h (migration 0034) and the
 * detector's flagged requests per (hour, host, JA4) (ml_anomaly_summary_1h, newest cycle each):
 * requests, the share of non-bot requests on flagged rows, how many addresses, ASes, user agents
 * and paths used each fingerprint, and when it was first seen on this server (over the whole
 * retention, so "new" means new here, not new in the range). `ja4` narrows it to one fingerprint.
 */
export async function ja4Signals(
  ch: ClickHouseClient,
  r: TimeRange,
  o: { sort: SignalSort; order: 'asc' | 'desc'; newOnly: boolean; ja4?: string },
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: Ja4Signal[] }> {
  const one = o.ja4 === undefined ? '' : 'AND ja4 = {ja4:String}';
  const { rows, total } = await selectWithTotal<Ja4Signal & { first_seen_all: string; last_seen_t: string }>(
    ch,
    `WITH
       flagged AS (SELECT ja4, sum(requests) AS flagged FROM (${FLAGGED}) GROUP BY ja4),
       seen AS (SELECT ja4, min(first_seen) AS first_seen_all FROM ja4_processing.agg_ja4_signals_1h
                WHERE hour < toDateTime({to:UInt32}) ${one} GROUP BY ja4)
     SELECT s.ja4 AS ja4, s.requests AS requests, s.known_bot_requests AS known_bot_requests,
            toUInt64(ifNull(f.flagged, 0)) AS flagged_requests,
            if(s.requests > s.known_bot_requests,
               least(1, ifNull(f.flagged, 0) / (s.requests - s.known_bot_requests)), 0) AS flagged_share,
            s.ips AS ips, s.asns AS asns, s.user_agents AS user_agents, s.paths AS paths,
            formatDateTime(seen.first_seen_all, '%FT%TZ') AS first_seen, formatDateTime(s.last_seen_t, '%FT%TZ') AS last_seen,
            seen.first_seen_all >= toDateTime64({to:UInt32}, 6) - INTERVAL 1 DAY AS new,
            seen.first_seen_all AS first_seen_all, s.last_seen_t AS last_seen_t
     FROM (
       SELECT ja4, sum(hits) AS requests, sum(known_bot_hits) AS known_bot_requests,
              uniqCombinedMerge(12)(ips) AS ips, uniqCombinedMerge(12)(asns) AS asns,
              uniqCombinedMerge(12)(user_agents) AS user_agents, uniqCombinedMerge(12)(paths) AS paths,
              max(last_seen) AS last_seen_t
       FROM ja4_processing.agg_ja4_signals_1h WHERE ${HOURS_IN_RANGE} AND ja4 != '' ${one} GROUP BY ja4
     ) AS s
     LEFT JOIN flagged AS f ON f.ja4 = s.ja4
     LEFT JOIN seen ON seen.ja4 = s.ja4
     ${o.newOnly ? 'WHERE new' : ''}
     ORDER BY ${SORT_KEY[o.sort]} ${o.order === 'asc' ? 'ASC' : 'DESC'}, ja4
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0, join_use_nulls = 1`,
    { ...rangeParams(r), ...page, ja4: o.ja4 ?? '' },
  );
  return {
    total,
    rows: rows.map(({ first_seen_all: _f, last_seen_t: _l, ...x }) => ({
      ...x,
      new: Boolean(Number(x.new)),
    })),
  };
}
