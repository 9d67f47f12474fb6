DROP TABLE IF EXISTS ja4_processing.ml_detected_anomalies;
