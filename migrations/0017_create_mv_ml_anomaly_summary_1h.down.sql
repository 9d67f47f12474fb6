DROP VIEW IF EXISTS ja4_processing.mv_ml_anomaly_summary_1h;
