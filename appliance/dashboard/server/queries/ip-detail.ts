import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select } from './run.js';

const WHERE = `client_ip = {ip:String} AND ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)`;

/** Everything the IP page shows, in parallel queries; every value bound, never spliced. */
export async function ipDetail(ch: ClickHouseClient, ip: string, r: TimeRange) {
  const p = { ...rangeParams(r), ip };
  const [summary, timeline, paths, statuses, fingerprints, userAgents, recent, scores, recurrence] =
    await Promise.all([
      select<Record<string, unknown>>(
        ch,
        `SELECT count() AS requests, formatDateTime(min(ts), '%FT%TZ') AS first_seen, formatDateTime(max(ts), '%FT%TZ') AS last_seen,
              any(asn) AS asn, any(asn_name) AS asn_name, any(asn_label) AS asn_label,
              max(bot_ip_label) AS bot_ip_label, groupUniqArray(10)(host) AS hosts,
              countIf(correlated) / count() AS correlated_ratio
       FROM ja4_processing.http_logs WHERE ${WHERE}`,
        p,
      ),
      select<{ t: number; hits: number; errors: number }>(
        ch,
        `SELECT toUnixTimestamp(toStartOfInterval(ts, INTERVAL {step:UInt32} SECOND)) AS t, count() AS hits,
              countIf(status >= 400) AS errors
       FROM ja4_processing.http_logs WHERE ${WHERE} GROUP BY t ORDER BY t`,
        p,
      ),
      select(
        ch,
        `SELECT path, count() AS hits, groupUniqArray(5)(method) AS methods FROM ja4_processing.http_logs
       WHERE ${WHERE} GROUP BY path ORDER BY hits DESC LIMIT 25`,
        p,
      ),
      select(
        ch,
        `SELECT status, count() AS hits FROM ja4_processing.http_logs WHERE ${WHERE} GROUP BY status ORDER BY status`,
        p,
      ),
      select(
        ch,
        `SELECT ja4, any(ja3) AS ja3, any(tls_version) AS tls_version, any(tcp_ttl) AS tcp_ttl, any(tcp_window) AS tcp_window,
              any(tcp_options) AS tcp_options, max(bot_ja4_label) AS bot_ja4_label, count() AS hits
       FROM ja4_processing.http_logs WHERE ${WHERE} GROUP BY ja4 ORDER BY hits DESC LIMIT 20`,
        p,
      ),
      select(
        ch,
        `SELECT user_agent, count() AS hits FROM ja4_processing.http_logs WHERE ${WHERE}
       GROUP BY user_agent ORDER BY hits DESC LIMIT 20`,
        p,
      ),
      select(
        ch,
        `SELECT formatDateTime(ts, '%FT%TZ') AS time, method, host, path, query, status, user_agent, ja4, conn_ip, conn_port
       FROM ja4_processing.http_logs WHERE ${WHERE} ORDER BY ts DESC LIMIT 50`,
        p,
      ),
      select(
        ch,
        `SELECT toUnixTimestamp(hour) AS hour, ja4, host, argMax(score, scored_at) AS score, argMax(is_anomaly, scored_at) AS is_anomaly
       FROM ja4_processing.ml_all_scores WHERE src_ip = {ip:String}
         AND scored_at >= toDateTime64({from:UInt32}, 3) - INTERVAL 1 DAY
       GROUP BY hour, ja4, host ORDER BY hour LIMIT 2000`,
        p,
      ),
      select(
        ch,
        `SELECT anomalies, days_flagged, hours_flagged, formatDateTime(first_flagged, '%FT%TZ') AS first_flagged,
              formatDateTime(last_flagged, '%FT%TZ') AS last_flagged, max_score
       FROM ja4_processing.view_ip_recurrence WHERE src_ip = {ip:String}`,
        p,
      ),
    ]);
  return {
    summary: summary[0],
    timeline,
    paths,
    statuses,
    fingerprints,
    user_agents: userAgents,
    recent,
    scores,
    recurrence: recurrence[0] ?? null,
  };
}
