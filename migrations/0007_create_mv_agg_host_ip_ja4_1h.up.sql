-- Rolls each inserted block of http_logs up into agg_host_ip_ja4_1h.
-- login_hits counts paths that look like an authentication endpoint (credential stuffing and
-- brute force hit these): wp-login.php, xmlrpc.php, login, signin, logon, auth, session(s),
-- oauth/token, admin, as a whole path segment, case-insensitive.
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_agg_host_ip_ja4_1h
TO ja4_processing.agg_host_ip_ja4_1h
AS
SELECT
    toStartOfHour(ts) AS hour,
    host,
    client_ip AS src_ip,
    ja4,
    count() AS hits,
    countIf(method = 'GET') AS hits_get,
    countIf(method = 'POST') AS hits_post,
    countIf(method = 'HEAD') AS hits_head,
    groupUniqArray(toString(method)) AS methods,
    countIf(status >= 100 AND status < 200) AS status_1xx,
    countIf(status >= 200 AND status < 300) AS status_2xx,
    countIf(status >= 300 AND status < 400) AS status_3xx,
    countIf(status >= 400 AND status < 500) AS status_4xx,
    countIf(status >= 500 AND status < 600) AS status_5xx,
    countIf(match(path, '(?i)(^|/)(wp-login\\.php|xmlrpc\\.php|login|signin|sign-in|logon|auth|session|sessions|oauth/token|admin)(/|\\.|$)')) AS login_hits,
    sum(header_count) AS header_count_sum,
    sum(bytes_sent) AS bytes_sent,
    sum(duration_us) AS duration_us_sum,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(path) AS paths_state,
    uniqState(user_agent) AS user_agents_state,
    topKState(3)(user_agent) AS top_user_agents_state,
    max(toString(tls_version)) AS tls_version,
    max(alpn[1]) AS alpn,
    max(toString(sni)) AS sni,
    max(tcp_ttl) AS tcp_ttl,
    max(tcp_window) AS tcp_window,
    max(tcp_mss) AS tcp_mss,
    max(tcp_wscale) AS tcp_wscale,
    max(toString(tcp_options)) AS tcp_options,
    max(asn) AS asn,
    max(toString(asn_name)) AS asn_name,
    max(toString(asn_label)) AS asn_label,
    max(toString(bot_ip_label)) AS bot_ip_label,
    max(toString(bot_ja4_label)) AS bot_ja4_label
FROM ja4_processing.http_logs
GROUP BY hour, host, src_ip, ja4;
