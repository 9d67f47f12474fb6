-- Rolls each inserted block of http_logs up into agg_overview_sets (see 0014): first per
-- (5 minutes, host, JA4, AS), then that small result into every grain and grouping set, so the
-- tenfold fan-out (2 grains x 5 sets) applies to the block's groups, not to its rows.
-- known_bot = a bot IP label or a bot JA4 label, as the dashboard classifies requests.
-- Rows inserted into http_logs before this view existed are not rolled up (an upgrade starts
-- its overview at the upgrade; scripts/lib/bench-dashboard-backfill.ts fills a quiet data set).
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_agg_overview_sets
TO ja4_processing.agg_overview_sets
AS
SELECT
    CAST(g, 'Enum8(\'5m\' = 1, \'1h\' = 2)') AS grain,
    CAST(s, 'Enum8(\'all\' = 0, \'ja4\' = 1, \'host\' = 2, \'asn\' = 3, \'host_ja4\' = 4)') AS set,
    if(g = '5m', b5, toStartOfHour(b5)) AS bucket,
    if(s IN ('host', 'host_ja4'), b_host, '') AS host,
    if(s IN ('ja4', 'host_ja4'), b_ja4, '') AS ja4,
    if(s = 'asn', b_asn, 0) AS asn,
    if(s = 'asn', b_asn_name, '') AS asn_name,
    if(s = 'asn', b_asn_label, '') AS asn_label,
    sum(b_hits) AS hits,
    sum(b_known_bot_hits) AS known_bot_hits,
    uniqCombinedMergeState(12)(b_ips) AS ips
FROM
(
    -- Inner names are prefixed: ClickHouse lets a SELECT alias shadow a column of the same name.
    SELECT
        toStartOfFiveMinutes(ts) AS b5,
        host AS b_host,
        ja4 AS b_ja4,
        asn AS b_asn,
        asn_name AS b_asn_name,
        asn_label AS b_asn_label,
        count() AS b_hits,
        countIf(bot_ip_label != '' OR bot_ja4_label != '') AS b_known_bot_hits,
        uniqCombinedState(12)(client_ip) AS b_ips
    FROM ja4_processing.http_logs
    GROUP BY b5, b_host, b_ja4, b_asn, b_asn_name, b_asn_label
)
ARRAY JOIN ['5m', '1h'] AS g
ARRAY JOIN ['all', 'ja4', 'host', 'asn', 'host_ja4'] AS s
GROUP BY grain, set, bucket, host, ja4, asn, asn_name, asn_label;
