-- Every feature row the detector scored, every cycle (the detector writes, the dashboard reads).
-- score: Isolation Forest anomaly score in [0, 1], higher = more anomalous; is_anomaly is
-- score >= threshold for that cycle's model. features: the model inputs by feature name.
-- PARTITION BY day of scored_at: the detector reads its latest cycle (today's partition) and
-- retention drops whole days.
-- ORDER BY (src_ip, hour, scored_at): the dashboard's per-IP score history reads one contiguous
-- range; a cycle is written and read back within one day's partition.
CREATE TABLE IF NOT EXISTS ja4_processing.ml_all_scores
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
