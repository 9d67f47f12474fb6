-- A cheap "the client's User-Agent" for the detector: anyHeavy (a one-counter Misra-Gries
-- sketch) of each (hour, host, src_ip, ja4)'s user agents. Merging the topK(3) states of
-- view_ai_features_1h's top_user_agent is most of the cost of reading feature rows (about 36 µs a
-- row, 75% of the view's time here); anyHeavy's state is one value and one counter, and it gives
-- the same answer for the usual row (one client, one UA) and the majority UA otherwise. The
-- detector reads it where it is set and merges topK only for rows written before this migration.
-- MODIFY QUERY swaps the view's query in place (the SELECT of 0007 plus the new state), so no
-- insert bypasses it while the migration runs.
ALTER TABLE ja4_processing.agg_host_ip_ja4_1h
    ADD COLUMN IF NOT EXISTS heavy_user_agent_state AggregateFunction(anyHeavy, String) AFTER top_user_agents_state;
ALTER TABLE ja4_processing.mv_agg_host_ip_ja4_1h MODIFY QUERY
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
    anyHeavyState(user_agent) AS heavy_user_agent_state,
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
