DROP VIEW IF EXISTS ja4_processing.mv_agg_ja4_signals_1h;
DROP TABLE IF EXISTS ja4_processing.agg_ja4_signals_1h;
