-- ml_all_scores keeps one current score per feature row and model version. The detector scores
-- only the feature rows that are new or changed since its last cycle (an hour still filling is
-- scored again as requests arrive; a closed hour only when a new model is trained), so a row is
-- written again only to replace its own earlier score.
-- ReplacingMergeTree(scored_at) ORDER BY (src_ip, hour, host, ja4, model_version): a feature row's
-- scores under one model collapse to the newest on merge; readers that need the current score
-- before a merge take argMax(.., scored_at) per key (as the dashboard's IP page does), never FINAL.
-- src_ip and hour lead the key as before, so an IP's score history is still one contiguous range.
-- PARTITION BY toDate(hour) (was toDate(scored_at)): the replacements of one row share its hour,
-- hence its partition, which ReplacingMergeTree needs to merge them; rotation drops whole days.
-- verdict, verdict_source, confidence: what the detector concluded from the score and the explicit
-- signals (appliance/detector/verdicts.ts); is_anomaly is whether that verdict flags the row.
-- The summary view reads this table, so it is dropped first and made again on the new table; the
-- rows already scored are copied across (their verdict is the score's). Run again after a failure,
-- each step is safe: the copy reads the live table only while it is still the MergeTree one, and
-- the runner records the migration only after its last statement, so the EXCHANGE runs again only
-- if it never completed.
DROP VIEW IF EXISTS ja4_processing.mv_ml_anomaly_summary_1h;
CREATE TABLE IF NOT EXISTS ja4_processing.ml_all_scores_next
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
    verdict LowCardinality(String),
    verdict_source LowCardinality(String),
    confidence Float32,
    requests UInt64,
    asn UInt32,
    asn_label LowCardinality(String),
    bot_ip_label LowCardinality(String),
    bot_ja4_label LowCardinality(String),
    features Map(LowCardinality(String), Float64)
)
ENGINE = ReplacingMergeTree(scored_at)
PARTITION BY toDate(hour)
ORDER BY (src_ip, hour, host, ja4, model_version)
TTL hour + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;
INSERT INTO ja4_processing.ml_all_scores_next
SELECT scored_at, cycle_id, model_version, hour, host, src_ip, ja4, score, threshold, is_anomaly,
       if(is_anomaly, 'anomalous', 'human') AS verdict, 'model' AS verdict_source,
       toFloat32(0) AS confidence, requests, asn, asn_label, bot_ip_label, bot_ja4_label, features
FROM ja4_processing.ml_all_scores
WHERE (SELECT engine FROM system.tables WHERE database = 'ja4_processing' AND name = 'ml_all_scores') = 'MergeTree';
EXCHANGE TABLES ja4_processing.ml_all_scores AND ja4_processing.ml_all_scores_next;
DROP TABLE IF EXISTS ja4_processing.ml_all_scores_next;
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
