-- Sums each inserted block of ml_all_scores into ml_anomaly_summary_1h (see 0016). "Flagged"
-- is is_anomaly, exactly the rows the detector also writes to ml_detected_anomalies; rows with a
-- bot IP or bot JA4 label are left out, as the overview counts them as known bots.
-- Scores written before this view existed are not summarised (scripts/lib/bench-dashboard-backfill.ts
-- fills a quiet data set; on a live appliance the next cycles rescore the recent hours).
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_ml_anomaly_summary_1h
TO ja4_processing.ml_anomaly_summary_1h
AS
SELECT
    hour,
    host,
    ja4,
    cycle_id,
    max(scored_at) AS cycle_at,
    count() AS scored_rows,
    countIf(is_anomaly AND bot_ip_label = '' AND bot_ja4_label = '') AS flagged_rows,
    sumIf(requests, is_anomaly AND bot_ip_label = '' AND bot_ja4_label = '') AS flagged_requests,
    uniqCombinedStateIf(12)(src_ip, is_anomaly AND bot_ip_label = '' AND bot_ja4_label = '') AS flagged_ips
FROM ja4_processing.ml_all_scores
GROUP BY hour, host, ja4, cycle_id;
