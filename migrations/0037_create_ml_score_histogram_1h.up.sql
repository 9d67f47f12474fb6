-- The score histogram of each (hour, JA4): how many current scores fall in each of 40 equal
-- buckets over [0, 1], how many of them are flagged, and the newest threshold. The dashboard's
-- detections and fingerprint pages read a range of it (a few rows per hour) instead of merging
-- ml_current_scores FINAL over every feature row of the range (~2M rows a day at 10M requests).
-- A rescoring replaces a row's score, which an aggregate of inserted rows cannot take back, so
-- the detector writes the histogram of each hour it scored again, whole, after each write
-- (appliance/detector/score-histogram.ts): ReplacingMergeTree(computed_at) keeps the newest
-- version of each (hour, ja4) and a reader takes FINAL over these few rows. `buckets` lists the
-- non-empty bucket numbers, `rows` and `flagged` their counts (readers add them up with sumMap).
CREATE TABLE IF NOT EXISTS ja4_processing.ml_score_histogram_1h
(
    hour DateTime('UTC'),
    ja4 LowCardinality(String),
    computed_at DateTime64(3, 'UTC'),
    buckets Array(UInt8),
    rows Array(UInt64),
    flagged Array(UInt64),
    threshold Float64,
    threshold_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toDate(hour)
ORDER BY (hour, ja4)
TTL hour + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;

-- The hours scored before the table existed, as the detector writes them. Safe when run again:
-- a repeated fill is a newer version of the same (hour, ja4) with the same counts.
INSERT INTO ja4_processing.ml_score_histogram_1h
SELECT hour, ja4, now64(3), groupArray(b), groupArray(n), groupArray(f), argMax(thr, at), max(at)
FROM
(
    SELECT hour, ja4, toUInt8(least(floor(score * 40), 39)) AS b, count() AS n, countIf(is_anomaly) AS f,
           argMax(threshold, scored_at) AS thr, max(scored_at) AS at
    FROM ja4_processing.ml_current_scores FINAL
    GROUP BY hour, ja4, b
)
GROUP BY hour, ja4;
