-- Feeds ml_ip_flagged_hours (0022) from every insert into ml_detected_anomalies, then fills it
-- once from the anomalies already there. Unlike a summed aggregate this backfill may overlap the
-- view (rows inserted between the two statements are written twice) and may run again: the
-- table holds a set of (src_ip, hour), and a repeat is a duplicate that merges remove and
-- readers' distinct counts ignore. (With clickhouse.cluster set the runner sends the INSERT to
-- one node, which fills it from its own shard; both tables shard by cityHash64(src_ip).)
CREATE MATERIALIZED VIEW IF NOT EXISTS ja4_processing.mv_ml_ip_flagged_hours
TO ja4_processing.ml_ip_flagged_hours
AS
SELECT DISTINCT src_ip, hour
FROM ja4_processing.ml_detected_anomalies;
INSERT INTO ja4_processing.ml_ip_flagged_hours
SELECT DISTINCT src_ip, hour
FROM ja4_processing.ml_detected_anomalies
WHERE hour >= toStartOfDay(now() - INTERVAL 30 DAY);
