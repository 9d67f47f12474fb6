-- Rolls each inserted block of http_logs up into agg_overview_5m (see 0012). The same SELECT,
-- run once over http_logs, backfills rows inserted before this view existed.
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_agg_overview_5m
TO ja4_processing.agg_overview_5m
AS
SELECT
    toStartOfFiveMinutes(ts) AS bucket,
    host,
    ja4,
    asn,
    asn_name,
    asn_label,
    bot_ip_label != '' OR bot_ja4_label != '' AS known_bot,
    count() AS hits,
    uniqCombinedState(client_ip) AS ips_state
FROM ja4_processing.http_logs
GROUP BY bucket, host, ja4, asn, asn_name, asn_label, known_bot;
