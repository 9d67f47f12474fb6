import type { TimeRange } from '../time-range.js';

/**
 * Ranges longer than this read the hourly rollup agg_host_ip_ja4_1h (series in hourly or wider
 * buckets); shorter ones read http_logs, whose ORDER BY starts with the hour, for minute buckets.
 * On 10M requests a day, a 24-hour pass over http_logs costs ~0.7 s or more (issue 10), so a
 * day must not read raw requests.
 */
export const RAW_MAX_RANGE_S = 2 * 3600;

/** The bucket width the overview's series actually uses: hourly at least on the rollup. */
export function sourceStep(r: TimeRange): number {
  return r.to - r.from > RAW_MAX_RANGE_S ? Math.max(r.step, 3600) : r.step;
}

/**
 * One row per source row in the range, classified: (t, host, src_ip, ip_h, ja4, hits, asn,
 * asn_name, asn_label, class). class is known_bot (a bot IP or bot JA4 label), anomalous
 * (flagged by the detector, see ANOMALOUS_IPS), or human. Rows are not grouped here: the labels
 * depend only on (src_ip, ja4), and every consumer sums hits, so grouping by (t, host, src_ip,
 * ja4) first (a hash table as large as the source) bought nothing. ip_h is a 64-bit hash of the
 * address, cheaper to count distinct than the string.
 */
export function classifiedRows(r: TimeRange): string {
  const cls = `multiIf(known_bot, 'known_bot', src_ip IN (${ANOMALOUS_IPS}), 'anomalous', 'human')`;
  if (r.to - r.from > RAW_MAX_RANGE_S) {
    return `
      SELECT t, host, src_ip, cityHash64(src_ip) AS ip_h, ja4, hits, asn, asn_name, asn_label, ${cls} AS class
      FROM (
        SELECT toStartOfInterval(hour, INTERVAL {step:UInt32} SECOND) AS t, host, src_ip, ja4, hits,
               asn, asn_name, asn_label, bot_ip_label != '' OR bot_ja4_label != '' AS known_bot
        FROM ja4_processing.agg_host_ip_ja4_1h
        WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
      )`;
  }
  return `
      SELECT t, host, src_ip, cityHash64(src_ip) AS ip_h, ja4, hits, asn, asn_name, asn_label, ${cls} AS class
      FROM (
        SELECT toStartOfInterval(ts, INTERVAL {step:UInt32} SECOND) AS t, host, client_ip AS src_ip, ja4,
               toUInt64(1) AS hits, asn, toString(asn_name) AS asn_name, toString(asn_label) AS asn_label,
               bot_ip_label != '' OR bot_ja4_label != '' AS known_bot
        FROM ja4_processing.http_logs
        WHERE ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)
      )`;
}

/** The addresses the detector flagged in or shortly before the range (anomalies are hourly). */
export const ANOMALOUS_IPS = `
  SELECT DISTINCT src_ip FROM ja4_processing.ml_detected_anomalies
  WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) - INTERVAL 1 HOUR AND hour < toDateTime({to:UInt32})`;
