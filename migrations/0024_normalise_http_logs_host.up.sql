-- Host normalised before storage and aggregation, the Host header as sent kept beside it.
-- One site used to be several hosts in http_logs and every rollup keyed on host
-- (agg_host_ip_ja4_1h, the features view): "www.example.com", "WWW.example.com.",
-- "www.example.com:443". http_logs.host is now the Host header (RFC 9110 §7.2) lower-cased
-- (host names are case-insensitive, RFC 4343), without surrounding blanks, without the trailing dots
-- of a fully qualified name, and without the port when it is the scheme's default (443 with TLS,
-- 80 without) or empty; an IPv6 literal keeps its brackets ("[2001:db8::1]:8443"). A value that
-- is not host[:port] (two colons outside brackets, text after "]") is only lower-cased.
-- http_logs.host_raw holds the header as received.
--
-- Done here, in the view every writer's rows go through (the correlator over either insert
-- format, the seeder), so all of them store the same host; the correlator keeps passing the
-- producer's line through as received. Rows stored before this migration keep their host:
-- host is in http_logs' sorting key, which an UPDATE cannot change.
--
-- MODIFY QUERY swaps the view's query in place: no moment without the view, so no insert
-- bypasses it while the migration runs.
ALTER TABLE ja4_processing.http_logs ADD COLUMN IF NOT EXISTS host_raw String CODEC(ZSTD(1)) AFTER host;
ALTER TABLE ja4_processing.mv_http_logs MODIFY QUERY
WITH
    JSONExtract(raw, 'Tuple(ts_us UInt64, vhost String, host String, method String, path String, query String, protocol String, status UInt16, bytes_sent UInt64, duration_us UInt64, client_ip String, conn_ip String, conn_port UInt16, local_ip String, local_port UInt16, conn_id String, keepalive_n UInt32, tls Bool, tls_protocol String, tls_cipher String, user_agent String, referer String, accept String, accept_language String, accept_encoding String, content_type String, content_length String, header_names Array(String), header_count UInt16, extra_headers Map(String, String), truncated Array(String), correlated Bool, tls_ts_us Nullable(UInt64), transport String, ja4 String, ja4_r String, ja4_o String, ja4_ro String, ja3 String, ja3_full String, sni String, alpn Array(String), tls_version String, proxy_client_ip String, tcp_window Nullable(UInt16), tcp_mss Nullable(UInt16), tcp_wscale Nullable(UInt8), tcp_ttl Nullable(UInt8), tcp_options String, tcp_sack Nullable(Bool), tcp_timestamps Nullable(Bool))') AS j,
    toIPv6OrDefault(j.client_ip) AS client_ip6,
    lower(trimBoth(j.host)) AS host_lower,
    extractGroups(host_lower, '^(\\[[^\\]]*\\]|[^:\\[\\]]*?)\\.*(?::([0-9]*))?$') AS host_parts,
    dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn', tuple(client_ip6), toUInt32(0)) AS asn_found
SELECT
    fromUnixTimestamp64Micro(toInt64(j.ts_us), 'UTC') AS ts,
    ingest_time,
    j.vhost AS vhost,
    if(empty(host_parts), host_lower,
        concat(host_parts[1],
            if(host_parts[2] = '' OR toUInt32OrZero(host_parts[2]) = if(j.tls, 443, 80), '', concat(':', host_parts[2]))))
        AS host,
    j.host AS host_raw,
    j.method AS method,
    j.path AS path,
    j.query AS query,
    j.protocol AS protocol,
    j.status AS status,
    j.bytes_sent AS bytes_sent,
    j.duration_us AS duration_us,
    j.client_ip AS client_ip,
    j.conn_ip AS conn_ip,
    j.conn_port AS conn_port,
    j.local_ip AS local_ip,
    j.local_port AS local_port,
    j.conn_id AS conn_id,
    j.keepalive_n AS keepalive_n,
    j.tls AS tls,
    j.tls_protocol AS tls_protocol,
    j.tls_cipher AS tls_cipher,
    j.user_agent AS user_agent,
    j.referer AS referer,
    j.accept AS accept,
    j.accept_language AS accept_language,
    j.accept_encoding AS accept_encoding,
    j.content_type AS content_type,
    j.content_length AS content_length,
    j.header_names AS header_names,
    j.header_count AS header_count,
    j.extra_headers AS extra_headers,
    j.truncated AS truncated,
    j.correlated AS correlated,
    if(j.tls_ts_us IS NULL, NULL, fromUnixTimestamp64Micro(toInt64(assumeNotNull(j.tls_ts_us)), 'UTC')) AS tls_ts,
    j.transport AS transport,
    j.ja4 AS ja4,
    j.ja4_r AS ja4_r,
    j.ja4_o AS ja4_o,
    j.ja4_ro AS ja4_ro,
    j.ja3 AS ja3,
    j.ja3_full AS ja3_full,
    j.sni AS sni,
    j.alpn AS alpn,
    j.tls_version AS tls_version,
    j.proxy_client_ip AS proxy_client_ip,
    j.tcp_window AS tcp_window,
    j.tcp_mss AS tcp_mss,
    j.tcp_wscale AS tcp_wscale,
    j.tcp_ttl AS tcp_ttl,
    j.tcp_options AS tcp_options,
    j.tcp_sack AS tcp_sack,
    j.tcp_timestamps AS tcp_timestamps,
    asn_found AS asn,
    if(
        dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn_name', tuple(client_ip6), '') != '',
        dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn_name', tuple(client_ip6), ''),
        dictGetOrDefault('ja4_processing.dict_asn_reputation', 'asn_name', toUInt64(asn_found), '')
    ) AS asn_name,
    if(asn_found = 0, 'unknown',
        dictGetOrDefault('ja4_processing.dict_asn_reputation', 'label', toUInt64(asn_found), 'unknown')) AS asn_label,
    dictGetOrDefault('ja4_processing.dict_bot_ip', 'label', tuple(client_ip6), '') AS bot_ip_label,
    dictGetOrDefault('ja4_processing.dict_bot_ja4', 'label', tuple(j.ja4), '') AS bot_ja4_label
FROM ja4_processing.http_logs_raw
WHERE isValidJSON(raw) AND j.ts_us > 0;
