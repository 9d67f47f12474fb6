ALTER TABLE ja4_processing.http_logs DROP COLUMN IF EXISTS hour;
