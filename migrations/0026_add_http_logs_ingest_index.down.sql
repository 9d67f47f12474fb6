ALTER TABLE ja4_processing.http_logs DROP INDEX IF EXISTS idx_ingest_time;
