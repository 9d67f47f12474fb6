ALTER TABLE ja4_processing.ml_detected_anomalies DROP COLUMN IF EXISTS search_text;
