-- The hours each address was flagged in, one row per (src_ip, hour), for "recurrence" (days and
-- hours flagged in the last 30 days) on the dashboard's anomalies page. Reading it from
-- ml_detected_anomalies meant, for the 50 addresses of a page, one granule per address in each
-- of 30 daily partitions (~1,500 granules of 8,192 rows with a busy month kept); here an
-- address's 30 days are a few contiguous rows of two narrow columns.
-- One partition (no PARTITION BY): an address's hours stay together; the TTL removes old rows
-- in merges. ReplacingMergeTree: every detector cycle writes its whole window again, and merges
-- drop the repeats (readers count distinct hours, so repeats not yet merged change nothing).
-- Fed by mv_ml_ip_flagged_hours (0023).
CREATE TABLE IF NOT EXISTS ja4_processing.ml_ip_flagged_hours
(
    src_ip String,
    hour DateTime('UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (src_ip, hour)
TTL hour + INTERVAL 30 DAY;
