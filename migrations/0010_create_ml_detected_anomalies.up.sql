-- The anomalies: one row per (src_ip, hour, host, ja4). A later cycle that rescored the same
-- hour inserts a newer row; ReplacingMergeTree(detected_at) keeps the newest on merge, and
-- readers that need exact answers before the merge GROUP BY the key with argMax(.., detected_at)
-- (see view_ip_recurrence) rather than FINAL.
-- PARTITION BY toDate(hour): replaced rows share the hour, hence the partition (ReplacingMergeTree
-- only deduplicates within a partition), and the 30-day recurrence window prunes partitions.
-- ORDER BY (src_ip, hour, host, ja4): the dashboard and the recurrence view work per IP.
CREATE TABLE IF NOT EXISTS ja4_processing.ml_detected_anomalies
(
    detected_at DateTime64(3, 'UTC'),
    hour DateTime('UTC'),
    host LowCardinality(String),
    src_ip String,
    ja4 LowCardinality(String),
    score Float64,
    threshold Float64,
    cycle_id String,
    model_version LowCardinality(String),
    requests UInt64,
    asn UInt32,
    asn_name LowCardinality(String),
    asn_label LowCardinality(String),
    bot_ip_label LowCardinality(String),
    bot_ja4_label LowCardinality(String),
    top_user_agent String,
    reason String,
    features Map(LowCardinality(String), Float64)
)
ENGINE = ReplacingMergeTree(detected_at)
PARTITION BY toDate(hour)
ORDER BY (src_ip, hour, host, ja4)
TTL hour + INTERVAL 30 DAY;
