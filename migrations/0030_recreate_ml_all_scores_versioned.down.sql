DROP VIEW IF EXISTS ja4_processing.mv_ml_anomaly_summary_1h;
CREATE TABLE IF NOT EXISTS ja4_processing.ml_all_scores_prev
(
    scored_at DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    cycle_id String,
    model_version LowCardinality(String),
    hour DateTime('UTC'),
    host LowCardinality(String),
    src_ip String,
    ja4 LowCardinality(String),
    score Float64,
    threshold Float64,
    is_anomaly Bool,
    requests UInt64,
    asn UInt32,
    asn_label LowCardinality(String),
    bot_ip_label LowCardinality(String),
    bot_ja4_label LowCardinality(String),
    features Map(LowCardinality(String), Float64)
)
ENGINE = MergeTree
PARTITION BY toDate(scored_at)
ORDER BY (src_ip, hour, scored_at)
TTL toDateTime(scored_at) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;
INSERT INTO ja4_processing.ml_all_scores_prev
SELECT scored_at, cycle_id, model_version, hour, host, src_ip, ja4, score, threshold, is_anomaly,
       requests, asn, asn_label, bot_ip_label, bot_ja4_label, features
FROM ja4_processing.ml_all_scores
WHERE (SELECT engine FROM system.tables WHERE database = 'ja4_processing' AND name = 'ml_all_scores') = 'ReplacingMergeTree';
EXCHANGE TABLES ja4_processing.ml_all_scores AND ja4_processing.ml_all_scores_prev;
DROP TABLE IF EXISTS ja4_processing.ml_all_scores_prev;
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
