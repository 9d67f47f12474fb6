-- The overview's aggregate (replaces agg_overview_5m, dropped by 0018/0019): requests, known-bot
-- requests and the distinct client addresses per grouping set, at two grains.
--   set 'all'      one row per bucket                      (KPIs)
--   set 'ja4'      per JA4                                 (top JA4s, distinct JA4s)
--   set 'host'     per host                                (top hosts)
--   set 'asn'      per AS, with its name and label         (top ASes)
--   set 'host_ja4' per (host, JA4)                         (the series: the detector flags per
--                                                           hour, host and JA4, see 0016)
-- Columns a set does not group by hold their default ('' or 0). Storing the grouping sets rather
-- than one row per (host, JA4, AS) combination keeps the row count at the sum of the
-- cardinalities instead of their product: a day of real traffic with a thousand ASes and a
-- hundred JA4s is a few thousand rows per hour, not a hundred thousand.
--
-- grain '5m' serves ranges up to 6 hours (the series' 5-minute buckets), grain '1h' longer ones:
-- a month is 720 hourly rows per key instead of 8,640. The dashboard aligns a long range to
-- whole hours (appliance/dashboard/server/queries/traffic-source.ts).
--
-- ips: uniqCombined(12), exact for small sets, then a 4,096-cell HyperLogLog (about 1.6% error,
-- ~3 KiB per state). Merging a day of hourly states for the whole site is 24 merges of 3 KiB,
-- where the default precision (17, 96 KiB) made a day's overview merge ~100 MB of states.
--
-- AggregatingMergeTree: rows with the same key merge in the background; readers still GROUP BY
-- (sum, uniqCombinedMerge(12)) because merges are eventual.
-- index_granularity = 256: a row carries up to 3 KiB of state and a reader wants a few hundred
-- rows of each set; with the default 8,192-row granules an hour's overview deserialised ~30k
-- states to use 348 (59 ms against 16 ms on the benchmark's data).
-- ORDER BY (grain, set, bucket, ...): every reader asks for one grain and one or a few sets over
-- a time range, so it reads one contiguous range per set.
CREATE TABLE IF NOT EXISTS ja4_processing.agg_overview_sets
(
    grain Enum8('5m' = 1, '1h' = 2),
    set Enum8('all' = 0, 'ja4' = 1, 'host' = 2, 'asn' = 3, 'host_ja4' = 4),
    bucket DateTime('UTC'),
    host LowCardinality(String),
    ja4 LowCardinality(String),
    asn UInt32,
    asn_name LowCardinality(String),
    asn_label LowCardinality(String),
    hits SimpleAggregateFunction(sum, UInt64),
    known_bot_hits SimpleAggregateFunction(sum, UInt64),
    ips AggregateFunction(uniqCombined(12), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(bucket)
ORDER BY (grain, set, bucket, host, ja4, asn, asn_name, asn_label)
TTL bucket + INTERVAL 30 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;
