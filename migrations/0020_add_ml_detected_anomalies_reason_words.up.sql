-- reason_words: the reason with every run of digits as '#', for the dashboard's text search.
-- The detector writes a reason from a few dozen templates filled with the row's measurements
-- ("40 requests in the hour (typical human: 3)"), so the text itself is nearly unique per row
-- (~130 MB a busy day, read whole by every search), while its words take a few hundred values:
-- LowCardinality stores and searches each once per block. A search without digits matches
-- reason_words exactly where it matches reason (a match never spans a digit). MATERIALIZED:
-- ClickHouse fills it on insert, so the detector is unchanged; MATERIALIZE COLUMN writes it for
-- the parts already there (a mutation in the background; until then it is computed on read).
ALTER TABLE ja4_processing.ml_detected_anomalies
    ADD COLUMN IF NOT EXISTS reason_words LowCardinality(String)
    MATERIALIZED replaceRegexpAll(reason, '[0-9]+', '#') AFTER reason;
ALTER TABLE ja4_processing.ml_detected_anomalies MATERIALIZE COLUMN reason_words;
