-- Hourly rollup per (hour, host, src_ip, ja4), fed by mv_agg_host_ip_ja4_1h from http_logs.
-- src_ip is http_logs.client_ip (after X-Forwarded-For). The detector's features view and the
-- dashboard's "top talkers" read this instead of raw requests.
--
-- AggregatingMergeTree: rows with the same ORDER BY key are merged in the background by each
-- column's function; readers still GROUP BY the key (and -Merge the states) because merges are
-- eventual. SimpleAggregateFunction where the merge is the plain function (sum/min/max),
-- AggregateFunction states where it is not (uniq, topK).
-- ORDER BY (hour, host, src_ip, ja4): the aggregation key itself; the hour first because every
-- reader asks for a time range (the detector one hour, the dashboard the last N hours).
-- max() over strings/nullable numbers keeps a non-empty value when one is seen (NULL and '' lose).
CREATE TABLE IF NOT EXISTS ja4_processing.agg_host_ip_ja4_1h
(
    hour DateTime('UTC'),
    host LowCardinality(String),
    src_ip String,
    ja4 LowCardinality(String),
    hits SimpleAggregateFunction(sum, UInt64),
    hits_get SimpleAggregateFunction(sum, UInt64),
    hits_post SimpleAggregateFunction(sum, UInt64),
    hits_head SimpleAggregateFunction(sum, UInt64),
    methods SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    status_1xx SimpleAggregateFunction(sum, UInt64),
    status_2xx SimpleAggregateFunction(sum, UInt64),
    status_3xx SimpleAggregateFunction(sum, UInt64),
    status_4xx SimpleAggregateFunction(sum, UInt64),
    status_5xx SimpleAggregateFunction(sum, UInt64),
    login_hits SimpleAggregateFunction(sum, UInt64),
    header_count_sum SimpleAggregateFunction(sum, UInt64),
    bytes_sent SimpleAggregateFunction(sum, UInt64),
    duration_us_sum SimpleAggregateFunction(sum, UInt64),
    first_seen SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    paths_state AggregateFunction(uniq, String),
    user_agents_state AggregateFunction(uniq, String),
    top_user_agents_state AggregateFunction(topK(3), String),
    tls_version SimpleAggregateFunction(max, String),
    alpn SimpleAggregateFunction(max, String),
    sni SimpleAggregateFunction(max, String),
    tcp_ttl SimpleAggregateFunction(max, Nullable(UInt8)),
    tcp_window SimpleAggregateFunction(max, Nullable(UInt16)),
    tcp_mss SimpleAggregateFunction(max, Nullable(UInt16)),
    tcp_wscale SimpleAggregateFunction(max, Nullable(UInt8)),
    tcp_options SimpleAggregateFunction(max, String),
    asn SimpleAggregateFunction(max, UInt32),
    asn_name SimpleAggregateFunction(max, String),
    asn_label SimpleAggregateFunction(max, String),
    bot_ip_label SimpleAggregateFunction(max, String),
    bot_ja4_label SimpleAggregateFunction(max, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(hour)
ORDER BY (hour, host, src_ip, ja4)
TTL hour + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;
