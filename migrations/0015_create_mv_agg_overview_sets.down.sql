DROP VIEW IF EXISTS ja4_processing.mv_agg_overview_sets;
