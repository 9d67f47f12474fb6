-- hour_cycles: each hour's newest detected_at, kept per part as an aggregate projection. The
-- dashboard looks these up first on every anomalies page (the detector's current verdict is the
-- newest cycle of each hour, appliance/dashboard/server/queries/current-anomalies.ts); without
-- it that lookup reads every flagged row of the range (~500k a busy day, 15M for 30 days), with
-- it a few rows per part. ReplacingMergeTree refuses projections unless told what its merges do
-- to them: 'rebuild' recomputes the projection of a merged part, which is exact here (a merge
-- only removes older versions of a key, never a newest one).
ALTER TABLE ja4_processing.ml_detected_anomalies MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';
ALTER TABLE ja4_processing.ml_detected_anomalies
    ADD PROJECTION IF NOT EXISTS hour_cycles (SELECT hour, max(detected_at) GROUP BY hour);
ALTER TABLE ja4_processing.ml_detected_anomalies MATERIALIZE PROJECTION IF EXISTS hour_cycles;
