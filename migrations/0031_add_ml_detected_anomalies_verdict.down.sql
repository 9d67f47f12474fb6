ALTER TABLE ja4_processing.ml_detected_anomalies DROP COLUMN IF EXISTS reasons;
ALTER TABLE ja4_processing.ml_detected_anomalies DROP COLUMN IF EXISTS confidence;
ALTER TABLE ja4_processing.ml_detected_anomalies DROP COLUMN IF EXISTS verdict_source;
ALTER TABLE ja4_processing.ml_detected_anomalies DROP COLUMN IF EXISTS verdict;
