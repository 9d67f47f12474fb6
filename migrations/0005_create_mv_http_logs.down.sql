DROP VIEW IF EXISTS ja4_processing.mv_http_logs;
