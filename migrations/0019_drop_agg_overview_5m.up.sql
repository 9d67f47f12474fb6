-- Superseded by agg_overview_sets (0014); its view is gone since 0018.
DROP TABLE IF EXISTS ja4_processing.agg_overview_5m;
