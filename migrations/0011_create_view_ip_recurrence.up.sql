-- How often each source IP was flagged over the last 30 days.
-- Without FINAL: the inner GROUP BY on ml_detected_anomalies' sorting key keeps the newest
-- version of each (src_ip, hour, host, ja4) with argMax(.., detected_at), which gives the same
-- answer whether or not ReplacingMergeTree has merged yet.
-- The WHERE on hour (the partition key is toDate(hour)) lets ClickHouse skip older partitions
-- through the partition min/max index.
CREATE VIEW IF NOT EXISTS ja4_processing.view_ip_recurrence
AS
SELECT
    src_ip,
    count() AS anomalies,
    uniqExact(toDate(hour)) AS days_flagged,
    uniqExact(hour) AS hours_flagged,
    min(hour) AS first_flagged,
    max(hour) AS last_flagged,
    max(score) AS max_score,
    avg(score) AS mean_score,
    groupUniqArray(ja4) AS ja4s,
    groupUniqArray(host) AS hosts,
    argMax(asn, last_detected) AS asn,
    argMax(asn_label, last_detected) AS asn_label,
    argMax(bot_ip_label, last_detected) AS bot_ip_label
FROM
(
    SELECT
        src_ip,
        hour,
        host,
        ja4,
        argMax(score, detected_at) AS score,
        max(detected_at) AS last_detected,
        argMax(asn, detected_at) AS asn,
        argMax(asn_label, detected_at) AS asn_label,
        argMax(bot_ip_label, detected_at) AS bot_ip_label
    FROM ja4_processing.ml_detected_anomalies
    WHERE hour >= toStartOfDay(now() - INTERVAL 30 DAY)
    GROUP BY src_ip, hour, host, ja4
)
GROUP BY src_ip;
