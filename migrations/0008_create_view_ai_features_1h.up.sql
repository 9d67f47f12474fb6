-- The detector's feature rows: one per (hour, host, src_ip, ja4), merged from the hourly rollup.
-- Filter on hour (WHERE hour >= ... AND hour < ...): the condition is pushed into the rollup's
-- primary key, whose first column is the hour.
-- Ratios are in [0, 1]. TCP values are NULL when no SYN was seen for that client/fingerprint.
-- The ja4_* columns split the JA4 "a" part (FoxIO JA4.md): protocol (t/q/d), TLS version,
-- SNI (d = domain, i = IP/none), cipher count, extension count, first+last ALPN characters.
CREATE VIEW IF NOT EXISTS ja4_processing.view_ai_features_1h
AS
SELECT
    hour,
    host,
    src_ip,
    ja4,
    sum(hits) AS requests,
    uniqMerge(paths_state) AS distinct_paths,
    sum(status_2xx) / requests AS ratio_2xx,
    sum(status_3xx) / requests AS ratio_3xx,
    sum(status_4xx) / requests AS ratio_4xx,
    sum(status_5xx) / requests AS ratio_5xx,
    sum(hits_post) / requests AS ratio_post,
    sum(hits_head) / requests AS ratio_head,
    sum(login_hits) AS login_hits,
    uniqMerge(user_agents_state) AS distinct_user_agents,
    sum(header_count_sum) / requests AS mean_header_count,
    arrayElement(topKMerge(3)(top_user_agents_state), 1) AS top_user_agent,
    sum(bytes_sent) AS total_bytes_sent,
    sum(duration_us_sum) / requests / 1000 AS mean_duration_ms,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    dateDiff('second', first_seen, last_seen) AS active_seconds,
    splitByChar('_', CAST(ja4, 'String'))[1] AS ja4_a,
    splitByChar('_', CAST(ja4, 'String'))[2] AS ja4_b,
    splitByChar('_', CAST(ja4, 'String'))[3] AS ja4_c,
    substring(CAST(ja4, 'String'), 1, 1) AS ja4_proto,
    substring(CAST(ja4, 'String'), 2, 2) AS ja4_tls_version,
    substring(CAST(ja4, 'String'), 4, 1) AS ja4_sni,
    toUInt8OrZero(substring(CAST(ja4, 'String'), 5, 2)) AS ja4_cipher_count,
    toUInt8OrZero(substring(CAST(ja4, 'String'), 7, 2)) AS ja4_ext_count,
    substring(CAST(ja4, 'String'), 9, 2) AS ja4_alpn,
    max(agg.tls_version) AS tls_version,
    max(agg.alpn) AS alpn,
    max(agg.sni) AS sni,
    max(agg.tcp_ttl) AS tcp_ttl,
    max(agg.tcp_window) AS tcp_window,
    max(agg.tcp_mss) AS tcp_mss,
    max(agg.tcp_wscale) AS tcp_wscale,
    max(agg.tcp_options) AS tcp_options,
    max(agg.asn) AS asn,
    max(agg.asn_name) AS asn_name,
    max(agg.asn_label) AS asn_label,
    max(agg.bot_ip_label) AS bot_ip_label,
    max(agg.bot_ja4_label) AS bot_ja4_label
FROM ja4_processing.agg_host_ip_ja4_1h AS agg
GROUP BY hour, host, src_ip, ja4;
