-- What decided each flagged row, and why, as data: verdict (automated, anomalous, denied,
-- confirmed), verdict_source (analyst, known_list, heuristic, model), confidence in [0, 1], and
-- reasons as a list of (code, words, value, typical): a stable code the dashboard can group and
-- filter on, the sentence an analyst reads, the row's value and the typical value of the baseline
-- ('' where a reason has none). The `reason` text column stays filled (the reasons' words joined)
-- for readers and searches that use it.
ALTER TABLE ja4_processing.ml_detected_anomalies
    ADD COLUMN IF NOT EXISTS verdict LowCardinality(String) DEFAULT 'anomalous' AFTER threshold;
ALTER TABLE ja4_processing.ml_detected_anomalies
    ADD COLUMN IF NOT EXISTS verdict_source LowCardinality(String) DEFAULT 'model' AFTER verdict;
ALTER TABLE ja4_processing.ml_detected_anomalies
    ADD COLUMN IF NOT EXISTS confidence Float32 DEFAULT 0 AFTER verdict_source;
ALTER TABLE ja4_processing.ml_detected_anomalies
    ADD COLUMN IF NOT EXISTS reasons Array(Tuple(code LowCardinality(String), words String, value String, typical String)) AFTER reason;
