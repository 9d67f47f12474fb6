-- One typed, enriched row per request: what the dashboard lists and the hourly rollup reads.
-- Column names follow correlatedRowSchema; ts is ts_us as DateTime64(6), tls_ts is tls_ts_us.
--
-- PARTITION BY day: retention drops whole days (TTL with ttl_only_drop_parts), and every
-- dashboard/detector query carries a time range, so old partitions are never opened.
-- ORDER BY (toStartOfHour(ts), host, client_ip, ts):
--   * the hour first: the detector reads one hour at a time and the dashboard's tables and charts
--     are time-range queries, so the range selects a contiguous slice of the primary index;
--   * host next: the dashboard filters by site, and the rollup groups by (hour, host, ...);
--   * client_ip: an IP's requests within the hour sit together (the rollup's GROUP BY key
--     (hour, host, client_ip, ja4) is read almost in order, and IP drill-downs read few granules);
--   * ts last, so rows within a client's hour come back in time order.
-- Bloom-filter skip indexes cover the lookups that cross hours: by client_ip and by ja4.
-- non_replicated_deduplication_window: a batch replayed with the same insert_deduplication_token
-- is dropped here too (deduplicate_blocks_in_dependent_materialized_views, on by default since 24.x).
CREATE TABLE IF NOT EXISTS ja4_processing.http_logs
(
    ts DateTime64(6, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    ingest_time DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    vhost LowCardinality(String),
    host LowCardinality(String),
    method LowCardinality(String),
    path String CODEC(ZSTD(1)),
    query String CODEC(ZSTD(1)),
    protocol LowCardinality(String),
    status UInt16,
    bytes_sent UInt64 CODEC(T64, ZSTD(1)),
    duration_us UInt64 CODEC(T64, ZSTD(1)),
    client_ip String,
    conn_ip String,
    conn_port UInt16,
    local_ip LowCardinality(String),
    local_port UInt16,
    conn_id String CODEC(ZSTD(1)),
    keepalive_n UInt32,
    tls Bool,
    tls_protocol LowCardinality(String),
    tls_cipher LowCardinality(String),
    user_agent String CODEC(ZSTD(1)),
    referer String CODEC(ZSTD(1)),
    accept String CODEC(ZSTD(1)),
    accept_language LowCardinality(String),
    accept_encoding LowCardinality(String),
    content_type LowCardinality(String),
    content_length String,
    header_names Array(LowCardinality(String)),
    header_count UInt16,
    extra_headers Map(String, String),
    truncated Array(LowCardinality(String)),
    correlated Bool,
    tls_ts Nullable(DateTime64(6, 'UTC')),
    transport LowCardinality(String),
    ja4 LowCardinality(String),
    ja4_r String CODEC(ZSTD(1)),
    ja4_o LowCardinality(String),
    ja4_ro String CODEC(ZSTD(1)),
    ja3 LowCardinality(String),
    ja3_full String CODEC(ZSTD(1)),
    sni LowCardinality(String),
    alpn Array(LowCardinality(String)),
    tls_version LowCardinality(String),
    proxy_client_ip String,
    tcp_window Nullable(UInt16),
    tcp_mss Nullable(UInt16),
    tcp_wscale Nullable(UInt8),
    tcp_ttl Nullable(UInt8),
    tcp_options LowCardinality(String),
    tcp_sack Nullable(Bool),
    tcp_timestamps Nullable(Bool),
    asn UInt32,
    asn_name LowCardinality(String),
    asn_label LowCardinality(String),
    bot_ip_label LowCardinality(String),
    bot_ja4_label LowCardinality(String),
    INDEX idx_client_ip client_ip TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_ja4 ja4 TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (toStartOfHour(ts), host, client_ip, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;
