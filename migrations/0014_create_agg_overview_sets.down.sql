DROP TABLE IF EXISTS ja4_processing.agg_overview_sets;
