-- The current score of each feature row, whichever model version scored it last: what the
-- dashboard's score histogram (detections and fingerprint pages) counts. ml_all_scores keeps a
-- row per model version (0030), so its scorings under two models never merge and a reader had to
-- deduplicate every row of the range at query time (GROUP BY the key + argMax); here the key has
-- no model version, so ReplacingMergeTree(scored_at) keeps the newest scoring of a row and a
-- reader takes FINAL, which merges only the parts of the range that still overlap.
-- ORDER BY (hour, ja4, host, src_ip): readers filter a range of hours, the fingerprint page one
-- JA4 within it. PARTITION BY toDate(hour) as ml_all_scores: a row's rescorings share its
-- partition, and FINAL never merges across partitions (the partition key is a function of the
-- sorting key). Only the columns the histogram reads.
CREATE TABLE IF NOT EXISTS ja4_processing.ml_current_scores
(
    hour DateTime('UTC'),
    ja4 LowCardinality(String),
    host LowCardinality(String),
    src_ip String,
    scored_at DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    score Float64,
    threshold Float64,
    is_anomaly Bool
)
ENGINE = ReplacingMergeTree(scored_at)
PARTITION BY toDate(hour)
ORDER BY (hour, ja4, host, src_ip)
TTL hour + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;

-- Each block the detector writes to ml_all_scores, as is.
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_ml_current_scores
TO ja4_processing.ml_current_scores
AS
SELECT hour, ja4, host, src_ip, scored_at, score, threshold, is_anomaly
FROM ja4_processing.ml_all_scores;

-- The rows scored before the view existed. Safe on a live appliance and when run again: a row the
-- view also wrote, or one copied twice, is the same (key, scored_at) and collapses under FINAL.
-- (With clickhouse.cluster set the runner sends the INSERT to one node, which fills it from its
-- own shard; both tables shard by cityHash64(src_ip), as 0023's fill.)
INSERT INTO ja4_processing.ml_current_scores
SELECT hour, ja4, host, src_ip, scored_at, score, threshold, is_anomaly
FROM ja4_processing.ml_all_scores;
