DROP TABLE IF EXISTS ja4_processing.ml_score_histogram_1h;
