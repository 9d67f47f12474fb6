-- What each detector cycle concluded per (hour, host, JA4), for the overview's "anomalous"
-- series and KPI: how many feature rows it scored, and of the rows it flagged that carry no
-- known-bot label (bot IP or bot JA4) the requests and the distinct addresses. Fed by
-- mv_ml_anomaly_summary_1h from ml_all_scores (0017). Reading the flagged rows themselves meant
-- deduplicating ~250k rows of ml_detected_anomalies for one day of a busy site; this holds one
-- row per (hour, host, JA4) per cycle.
--
-- A cycle rescoring an hour writes a new cycle_id; readers take, per (hour, host, JA4), the
-- newest cycle (argMax by cycle_at), i.e. what the detector currently thinks of that hour.
-- One cycle's scores arrive in several insert blocks, hence AggregatingMergeTree with cycle_id in
-- the key: the blocks' partial rows add up (readers GROUP BY ... cycle_id too, merges being
-- eventual). flagged_ips: uniqCombined(12), as agg_overview_sets (0014).
CREATE TABLE IF NOT EXISTS ja4_processing.ml_anomaly_summary_1h
(
    hour DateTime('UTC'),
    host LowCardinality(String),
    ja4 LowCardinality(String),
    cycle_id String,
    cycle_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    scored_rows SimpleAggregateFunction(sum, UInt64),
    flagged_rows SimpleAggregateFunction(sum, UInt64),
    flagged_requests SimpleAggregateFunction(sum, UInt64),
    flagged_ips AggregateFunction(uniqCombined(12), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(hour)
ORDER BY (hour, host, ja4, cycle_id)
TTL hour + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;
