import type { TimeRange } from '../time-range.js';

/**
 * The per-bucket traffic rows behind the overview: (t, host, src_ip, ja4, hits, labels).
 * Ranges of a day or more read the hourly rollup agg_host_ip_ja4_1h; shorter ones read
 * http_logs directly (its ORDER BY starts with the hour, so an hour's slice is contiguous),
 * which gives minute buckets where an analyst wants them. A raw 24-hour per-host series on
 * 10M rows costs ~0.7 s; the rollup answers it in tens of milliseconds.
 */
export function trafficSource(r: TimeRange): string {
  if (r.step >= 3600) {
    return `
      SELECT toStartOfInterval(hour, INTERVAL {step:UInt32} SECOND) AS t, host, src_ip, ja4,
             sum(hits) AS hits, max(asn) AS asn, max(asn_name) AS asn_name, max(asn_label) AS asn_label,
             max(bot_ip_label) != '' OR max(bot_ja4_label) != '' AS known_bot
      FROM ja4_processing.agg_host_ip_ja4_1h
      WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
      GROUP BY t, host, src_ip, ja4`;
  }
  return `
      SELECT toStartOfInterval(ts, INTERVAL {step:UInt32} SECOND) AS t, host, client_ip AS src_ip, ja4,
             count() AS hits, any(asn) AS asn, any(asn_name) AS asn_name, any(asn_label) AS asn_label,
             max(bot_ip_label != '' OR bot_ja4_label != '') AS known_bot
      FROM ja4_processing.http_logs
      WHERE ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)
      GROUP BY t, host, src_ip, ja4`;
}

/** The addresses the detector flagged in or shortly before the range (anomalies are hourly). */
export const ANOMALOUS_IPS = `
  SELECT DISTINCT src_ip FROM ja4_processing.ml_detected_anomalies
  WHERE hour >= toStartOfHour(toDateTime({from:UInt32})) - INTERVAL 1 HOUR AND hour < toDateTime({to:UInt32})`;
