-- agg_overview_5m's view, superseded by mv_agg_overview_sets (0015): nothing reads its table any more,
-- and its per-insert uniqCombined(17) states cost every insert into http_logs.
DROP VIEW IF EXISTS ja4_processing.mv_agg_overview_5m;
