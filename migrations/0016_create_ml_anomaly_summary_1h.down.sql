DROP TABLE IF EXISTS ja4_processing.ml_anomaly_summary_1h;
