import type { TimeRange } from '../time-range.js';

/**
 * The overview reads only agg_overview_5m (requests per 5 minutes, host, JA4, AS and known-bot
 * flag, with a uniqCombined state of the client addresses; migrations 0012/0013) and the
 * detector's own counts in ml_detected_anomalies. Neither is keyed by client address in a way
 * the overview has to scan: on 10M requests a day the aggregate holds ~25k rows a day, where the
 * per-IP rollup agg_host_ip_ja4_1h holds 2.2M (issue 10, Performance).
 */
export const FIVE_MIN_MAX_RANGE_S = 6 * 3600;

/** Series bucket: 5 minutes (the table's grain) up to 6 hours, hourly sums of them above. */
export function sourceStep(r: TimeRange): number {
  return Math.max(r.step, r.to - r.from > FIVE_MIN_MAX_RANGE_S ? 3600 : 300);
}

/** The 5-minute rows that overlap the range; the first bucket may start before `from`. */
const IN_RANGE = `bucket >= toStartOfFiveMinutes(toDateTime({from:UInt32}))
  AND bucket < toDateTime({to:UInt32})`;

/**
 * Anomalous requests: requests of the (hour, IP, JA4) rows the detector flagged, excluding known
 * bots (a bot IP or bot JA4 label), counted as the detector counted them (its `requests`), from
 * the newest rescoring of each key. argMax by detected_at instead of FINAL, as the table's
 * comment asks; the address is grouped as a 64-bit hash, cheaper than the string.
 */
const FLAGGED = `
  SELECT hour, host, ja4, cityHash64(src_ip) AS ip_h, argMax(requests, detected_at) AS requests
  FROM ja4_processing.ml_detected_anomalies
  WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
    AND bot_ip_label = '' AND bot_ja4_label = ''
  GROUP BY hour, host, ja4, ip_h`;

/** Distinct flagged non-bot addresses: no deduplication of rescorings needed for a count of IPs. */
const FLAGGED_IPS = `
  SELECT uniq(cityHash64(src_ip)) FROM ja4_processing.ml_detected_anomalies
  WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
    AND bot_ip_label = '' AND bot_ja4_label = ''`;

/**
 * The series by bucket: known-bot hits, other hits, and the anomalous part of the other hits.
 * The detector counts per hour, the series may be in 5-minute buckets and a range may start or
 * end inside an hour: each (hour, host, JA4)'s flagged requests are spread over that hour's
 * 5-minute buckets in proportion to their non-bot hits (share = flagged / the whole hour's
 * non-bot hits, at most 1), so the anomalous series never exceeds the non-bot traffic and a
 * partial hour gets its part. Also returns the distinct flagged addresses (same on every row).
 */
export function seriesQuery(): string {
  return `
    WITH
      five AS (
        SELECT bucket, toStartOfHour(bucket) AS hour, host, ja4, known_bot, sum(hits) AS hits
        FROM ja4_processing.agg_overview_5m
        WHERE bucket >= toStartOfHour(toDateTime({from:UInt32}))
          AND bucket < toStartOfHour(toDateTime({to:UInt32})) + INTERVAL 1 HOUR
        GROUP BY bucket, host, ja4, known_bot
      ),
      flagged AS (${FLAGGED}),
      share AS (
        SELECT f.hour AS hour, f.host AS host, f.ja4 AS ja4, least(1, f.requests / d.hits) AS share
        FROM (SELECT hour, host, ja4, sum(requests) AS requests FROM flagged GROUP BY hour, host, ja4) AS f
        INNER JOIN (
          SELECT hour, host, ja4, sum(hits) AS hits FROM five WHERE NOT known_bot GROUP BY hour, host, ja4
        ) AS d ON f.hour = d.hour AND f.host = d.host AND f.ja4 = d.ja4
      )
    SELECT toUnixTimestamp(toStartOfInterval(five.bucket, INTERVAL {step:UInt32} SECOND)) AS t,
           sumIf(five.hits, five.known_bot) AS known_bot,
           sumIf(five.hits, NOT five.known_bot) AS other,
           round(sumIf(five.hits * share.share, NOT five.known_bot)) AS anomalous,
           (${FLAGGED_IPS}) AS anomalous_ips
    FROM five
    LEFT JOIN share ON five.hour = share.hour AND five.host = share.host AND five.ja4 = share.ja4
    WHERE five.bucket >= toStartOfFiveMinutes(toDateTime({from:UInt32})) AND five.bucket < toDateTime({to:UInt32})
    GROUP BY t
    ORDER BY t`;
}

/**
 * Totals and top lists in one pass (GROUPING SETS): hits and distinct addresses per JA4, host
 * and AS, and overall. uniqCombinedMerge of the stored states is an estimate (exact for small
 * sets, ~1% above a few thousand addresses).
 */
export function topsQuery(): string {
  return `
    SELECT GROUPING(ja4, host, asn) AS g, ja4, host, asn, any(asn_name) AS asn_name,
           any(asn_label) AS asn_label, sum(hits) AS hits, uniqCombinedMerge(ips_state) AS ips,
           max(known_bot) AS known_bot
    FROM ja4_processing.agg_overview_5m
    WHERE ${IN_RANGE}
    GROUP BY GROUPING SETS ((ja4), (host), (asn), ())`;
}
