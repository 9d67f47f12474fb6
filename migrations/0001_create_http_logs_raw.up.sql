-- The landing table: one correlated request per row, exactly the JSON line the correlator (or the
-- seeder) wrote, validated against correlatedRowSchema (appliance/common/events/correlated-row.ts).
-- ClickHouse parses it in mv_http_logs; keeping the raw line lets a fixed parser be replayed.
--
-- ORDER BY ingest_time: rows are only ever read back in arrival order (replays, debugging), and
-- inserts arrive in time order, so each part is already sorted.
-- TTL 3 days: the typed copy in http_logs is the one that is kept; the raw line is a safety net.
-- non_replicated_deduplication_window: the correlator replays spooled batches with
-- insert_deduplication_token; the last 1000 blocks' tokens are remembered so a replayed batch is
-- not stored twice (a ReplicatedMergeTree keeps its own window in Keeper).
CREATE TABLE IF NOT EXISTS ja4_processing.http_logs_raw
(
    ingest_time DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(DoubleDelta, ZSTD(1)),
    raw String CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY toDate(ingest_time)
ORDER BY ingest_time
TTL toDateTime(ingest_time) + INTERVAL 3 DAY
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;
