-- The dashboard overview's own aggregate, fed by mv_agg_overview_5m from http_logs: requests per
-- 5 minutes, host, JA4, AS and known-bot flag, with the distinct client addresses as a mergeable
-- state. There is no IP in the key: agg_host_ip_ja4_1h is keyed by client address (about one row
-- per four requests on 10M requests a day with 1M addresses), so an overview over a day read
-- millions of rows; this table holds one row per combination that occurred, independent of the
-- number of addresses. Which addresses the detector flagged comes from ml_detected_anomalies.
--
-- AggregatingMergeTree: rows with the same ORDER BY key merge in the background; readers still
-- GROUP BY (sum(hits), uniqCombinedMerge(ips_state)) because merges are eventual.
-- ORDER BY (bucket, host, ja4, asn, asn_name, asn_label, known_bot): the aggregation key itself,
-- the bucket first because every reader asks for a time range. asn_name and asn_label are in the
-- key (not max() columns) because enrichment is a snapshot at insert: a dictionary reload may
-- relabel an AS, and both labels then stay visible rather than one silently winning.
-- known_bot = a bot IP label or a bot JA4 label, as the dashboard classifies requests.
-- uniqCombined: exact up to a few thousand addresses per state, then HyperLogLog (~1% error), and
-- states of small sets stay small, which is what most (5 minutes, host, JA4, AS) groups are.
CREATE TABLE IF NOT EXISTS ja4_processing.agg_overview_5m
(
    bucket DateTime('UTC'),
    host LowCardinality(String),
    ja4 LowCardinality(String),
    asn UInt32,
    asn_name LowCardinality(String),
    asn_label LowCardinality(String),
    known_bot Bool,
    hits SimpleAggregateFunction(sum, UInt64),
    ips_state AggregateFunction(uniqCombined, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(bucket)
ORDER BY (bucket, host, ja4, asn, asn_name, asn_label, known_bot)
TTL bucket + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;
