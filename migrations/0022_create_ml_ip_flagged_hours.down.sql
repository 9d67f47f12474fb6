DROP TABLE IF EXISTS ja4_processing.ml_ip_flagged_hours;
