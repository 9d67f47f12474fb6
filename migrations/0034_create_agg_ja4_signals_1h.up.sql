-- Per-JA4 local signals, like Cloudflare's JA4 Signals but from this server's own traffic: per
-- hour and JA4, the requests, known-bot requests, and estimates of how many addresses, ASes,
-- user agents and paths used it, when it was first and last seen, and its most frequent user
-- agents. The dashboard's overview and fingerprint pages read it instead of scanning http_logs
-- (a busy JA4 has millions of requests a day); the flagged share comes from
-- ml_anomaly_summary_1h (0016).
-- ORDER BY (hour, ja4): every reader filters a range of hours, then groups or picks by JA4.
-- uniqCombined(12): exact for small sets, ~1.6% off above a few thousand values, fixed size.
-- approx_top_count(20), (100): the 20 most frequent user agents and the 100 busiest addresses of
-- the hour with their counts; merged over hours they stay a good estimate of the range's top ones
-- (Space-Saving counts). The fingerprint page lists a busy JA4's first addresses from them instead
-- of grouping its hundreds of thousands of addresses.
CREATE TABLE IF NOT EXISTS ja4_processing.agg_ja4_signals_1h
(
    hour DateTime('UTC'),
    ja4 LowCardinality(String),
    hits SimpleAggregateFunction(sum, UInt64),
    known_bot_hits SimpleAggregateFunction(sum, UInt64),
    ips AggregateFunction(uniqCombined(12), String),
    asns AggregateFunction(uniqCombined(12), UInt32),
    user_agents AggregateFunction(uniqCombined(12), String),
    paths AggregateFunction(uniqCombined(12), String),
    first_seen SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    top_user_agents AggregateFunction(approx_top_count(20), String),
    top_ips AggregateFunction(approx_top_count(100), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(hour)
ORDER BY (hour, ja4)
TTL hour + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;

-- Rolls each inserted block of http_logs into agg_ja4_signals_1h. known_bot = a bot IP label or
-- a bot JA4 label, as the overview classifies requests. Rows inserted before this view existed
-- are not rolled up (scripts/lib/bench-dashboard-backfill.ts fills a quiet data set).
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_agg_ja4_signals_1h
TO ja4_processing.agg_ja4_signals_1h
AS
SELECT
    toStartOfHour(ts) AS hour,
    ja4,
    count() AS hits,
    countIf(bot_ip_label != '' OR bot_ja4_label != '') AS known_bot_hits,
    uniqCombinedState(12)(client_ip) AS ips,
    uniqCombinedState(12)(asn) AS asns,
    uniqCombinedState(12)(user_agent) AS user_agents,
    uniqCombinedState(12)(path) AS paths,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    approx_top_countState(20)(user_agent) AS top_user_agents,
    approx_top_countState(100)(client_ip) AS top_ips
FROM ja4_processing.http_logs
GROUP BY hour, ja4;
