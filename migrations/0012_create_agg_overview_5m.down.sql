DROP VIEW IF EXISTS ja4_processing.mv_agg_overview_5m;
DROP TABLE IF EXISTS ja4_processing.agg_overview_5m;
