DROP TABLE IF EXISTS ja4_processing.http_logs_raw;
