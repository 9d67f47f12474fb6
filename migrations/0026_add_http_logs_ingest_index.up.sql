-- A min/max skip index on ingest_time, so the detector finds the requests that arrived since its
-- last cycle without reading the column of every part in its window: each granule of 8,192 rows
-- keeps its smallest and largest ingest_time, and parts written before the watermark are skipped
-- whole (data arrives in ingest_time order, so old parts never overlap the watermark).
-- MATERIALIZE INDEX builds it for the parts already there (a mutation in the background; until it
-- ends those parts are read as before).
ALTER TABLE ja4_processing.http_logs ADD INDEX IF NOT EXISTS idx_ingest_time ingest_time TYPE minmax GRANULARITY 1;
ALTER TABLE ja4_processing.http_logs MATERIALIZE INDEX idx_ingest_time;
