DROP VIEW IF EXISTS ja4_processing.mv_ml_current_scores;
DROP TABLE IF EXISTS ja4_processing.ml_current_scores;
