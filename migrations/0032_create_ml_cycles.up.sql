-- The detector's cycle log: one row per cycle, what it read, trained, scored and wrote, and the
-- ingest watermark it reached (the newest http_logs.ingest_time it has scored). A restarted
-- detector continues from the last successful cycle's watermark and model instead of scoring its
-- whole window again; the status page shows the last cycles from here.
-- kind: full (a new model: the window scored again) or incremental (the feature rows with requests
-- that arrived after the previous watermark). MergeTree ORDER BY started_at: read newest first.
CREATE TABLE IF NOT EXISTS ja4_processing.ml_cycles
(
    cycle_id String,
    started_at DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    kind LowCardinality(String),
    status LowCardinality(String),
    reason String,
    model_version LowCardinality(String),
    model_trained_at Nullable(DateTime64(3, 'UTC')),
    watermark Nullable(DateTime64(3, 'UTC')),
    window_from DateTime('UTC'),
    window_to DateTime('UTC'),
    rows_read UInt64,
    rows_written UInt64,
    anomalies UInt64,
    baseline_rows UInt64,
    threshold Float64,
    durations_ms Map(LowCardinality(String), UInt32)
)
ENGINE = MergeTree
PARTITION BY toDate(started_at)
ORDER BY started_at
TTL toDateTime(started_at) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;
