import type { TimeRange } from '../time-range.js';
import { HOURS_IN_RANGE } from './run.js';

/**
 * The overview reads two IP-free aggregates: agg_overview_sets (requests, known-bot requests and
 * a uniqCombined(12) state of the client addresses per grouping set, in 5-minute and hourly
 * buckets; migrations 0014/0015) and ml_anomaly_summary_1h (the detector's flagged requests and
 * addresses per hour, host and JA4, per cycle; 0016/0017). Neither grows with the number of
 * client addresses: a day of 10M requests from 1M addresses is ~700 hourly rows, where the
 * per-IP rollup agg_host_ip_ja4_1h holds 2.2M (dashboard README, Performance).
 */
export const FIVE_MIN_MAX_RANGE_S = 6 * 3600;

export type Grain = '5m' | '1h';

/** 5-minute buckets up to 6 hours (at most 72 per key), hourly above (at most 744 in 31 days). */
export function sourceGrain(r: { from: number; to: number }): Grain {
  return r.to - r.from > FIVE_MIN_MAX_RANGE_S ? '1h' : '5m';
}

export const GRAIN_S: Record<Grain, number> = { '5m': 300, '1h': 3600 };

/**
 * The range the overview actually covers: `from` moved back to the start of its bucket (the
 * aggregates cannot split one), so the totals, the top lists and the series describe the same
 * requests. A 24-hour range starting at 10:37 covers 10:00 onwards; the API returns it.
 */
export function sourceRange(r: TimeRange): TimeRange & { grain: Grain } {
  const grain = sourceGrain(r);
  const g = GRAIN_S[grain];
  return { from: Math.floor(r.from / g) * g, to: r.to, step: Math.max(r.step, g), grain };
}

const IN_RANGE = 'bucket >= toDateTime({from:UInt32}) AND bucket < toDateTime({to:UInt32})';

/**
 * The detector's newest verdict per (hour, host, JA4): its cycles' partial rows summed per cycle
 * (insert blocks, unmerged parts), then the newest cycle taken. Flagged = is_anomaly without a
 * known-bot label, so the anomalous series never double-counts the known-bot one.
 */
export const FLAGGED = `
  SELECT hour, host, ja4, argMax(c_requests, c_at) AS requests, argMax(c_ips, c_at) AS ips
  FROM (
    SELECT hour, host, ja4, cycle_id, max(cycle_at) AS c_at, sum(flagged_requests) AS c_requests,
           uniqCombinedMergeState(12)(flagged_ips) AS c_ips
    FROM ja4_processing.ml_anomaly_summary_1h
    WHERE ${HOURS_IN_RANGE}
    GROUP BY hour, host, ja4, cycle_id
  )
  GROUP BY hour, host, ja4`;

/**
 * The series by bucket: known-bot requests, other requests, and the anomalous part of the other
 * requests.
 * The detector counts per hour: each (hour, host, JA4)'s flagged requests are spread over that
 * hour's buckets in proportion to their non-bot requests (share = flagged / the hour's non-bot
 * requests, at most 1). With hourly buckets that is min(non-bot, flagged); with 5-minute buckets
 * a partial hour gets its part, and the anomalous series never exceeds the non-bot traffic.
 */
export function seriesQuery(): string {
  return `
    WITH
      flagged AS (${FLAGGED}),
      share AS (
        SELECT f.hour AS hour, f.host AS host, f.ja4 AS ja4, least(1, f.requests / d.other) AS share
        FROM flagged AS f
        INNER JOIN (
          SELECT bucket AS hour, host, ja4, sum(hits) - sum(known_bot_hits) AS other
          FROM ja4_processing.agg_overview_sets
          WHERE grain = '1h' AND set = 'host_ja4'
            AND bucket >= toStartOfHour(toDateTime({from:UInt32})) AND bucket < toDateTime({to:UInt32})
          GROUP BY hour, host, ja4
          HAVING other > 0
        ) AS d ON f.hour = d.hour AND f.host = d.host AND f.ja4 = d.ja4
      ),
      cur AS (
        SELECT bucket, host, ja4, sum(hits) AS hits, sum(known_bot_hits) AS known_bot
        FROM ja4_processing.agg_overview_sets
        WHERE grain = {grain:String} AND set = 'host_ja4' AND ${IN_RANGE}
        GROUP BY bucket, host, ja4
      )
    SELECT toUnixTimestamp(toStartOfInterval(cur.bucket, INTERVAL {step:UInt32} SECOND)) AS t,
           sum(cur.known_bot) AS known_bot,
           sum(cur.hits - cur.known_bot) AS other,
           round(sum((cur.hits - cur.known_bot) * share.share)) AS anomalous
    FROM cur
    LEFT JOIN share ON toStartOfHour(cur.bucket) = share.hour AND cur.host = share.host AND cur.ja4 = share.ja4
    GROUP BY t
    ORDER BY t`;
}

/**
 * Totals and top lists from the stored grouping sets: requests, known-bot requests and distinct
 * addresses per JA4, host and AS, and overall. uniqCombinedMerge(12) is exact for small sets,
 * about 1.6% off above a few thousand addresses.
 */
export function setsQuery(): string {
  return `
    SELECT toString(set) AS set, ja4, host, asn, asn_name, asn_label, sum(hits) AS hits,
           sum(known_bot_hits) AS known_bot_hits, uniqCombinedMerge(12)(ips) AS ips
    FROM ja4_processing.agg_overview_sets
    WHERE grain = {grain:String} AND set IN ('all', 'ja4', 'host', 'asn') AND ${IN_RANGE}
    GROUP BY set, ja4, host, asn, asn_name, asn_label`;
}
