DROP VIEW IF EXISTS ja4_processing.mv_ml_ip_flagged_hours;
