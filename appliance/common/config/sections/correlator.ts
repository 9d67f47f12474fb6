import { z } from 'zod';

/** Keys of `ja4 correlator` (and the correlator hosted by `ja4 up`). See appliance/correlator/README.md. */
export const correlatorSection = z
  .object({
    /** How long a TLS handshake keeps serving HTTP events on its connection after the last one. */
    idle_window_ms: z.number().int().min(1000).max(86_400_000).default(300_000),
    /** How long an HTTP event waits for its handshake before it is emitted uncorrelated. */
    grace_ms: z.number().int().min(0).max(60_000).default(2_000),
    /** Also require the server address to match (off: NAT and container port maps rewrite it). */
    join_on_server_ip: z.boolean().default(false),
    /**
     * Slack, µs, between the module's and the sentinel's timestamps (one host's wall clock) when
     * the join tests a handshake's SYN and ClientHello times against a connection's start.
     */
    join_tolerance_us: z.number().int().min(0).max(1_000_000).default(1_000),
    /** Handshakes held per peer address and port: recent connections whose requests may still come. */
    handshakes_per_key: z.number().int().min(1).max(64).default(8),
    batch_rows: z.number().int().min(1).max(1_000_000).default(10_000),
    batch_age_ms: z.number().int().min(10).max(60_000).default(1_000),
    /** Handshakes held; past it the oldest is evicted (counted). */
    max_connections: z.number().int().min(16).max(10_000_000).default(500_000),
    /** Requests waiting for their handshake; past it the oldest is emitted uncorrelated (counted). */
    max_pending: z.number().int().min(16).max(10_000_000).default(100_000),
    /** Batch bodies held in memory; the rest wait in the log (README "Delivery"). */
    max_queued_batches: z.number().int().min(1).max(10_000).default(16),
    max_line_bytes: z.number().int().min(1024).max(16_777_216).default(65_536),
    /**
     * Requests stamped later than this ahead of the correlator's clock are refused at decode (a
     * request older than retention.http_logs_days is refused too): rows outside the stored window
     * would only be dropped by the TTLs, and spread over many days they make one insert touch too
     * many partitions.
     */
    max_future_skew_ms: z.number().int().min(0).max(31_536_000_000).default(300_000),
    sink: z.enum(['clickhouse', 'file', 'stdout']).default('clickhouse'),
    /**
     * Insert format of the raw lines. JSONEachRow ({"raw": "<line>"}) measured faster end to end on
     * the embedded engine than the leaner LineAsString (correlator README, bench:correlator).
     */
    insert_format: z.enum(['JSONEachRow', 'LineAsString']).default('JSONEachRow'),
    file_path: z.string().default('./var/log/ja4-correlated.jsonl'),
    file_max_mb: z.number().int().min(1).max(100_000).default(256),
    /** Rotated files kept beside file_path (file_path.1 … .N). */
    file_keep: z.number().int().min(0).max(1000).default(5),
    /** The correlator's log: accepted lines and batches until ClickHouse confirms them (README, "No loss"). */
    spool_dir: z.string().min(1).default('./var/spool'),
    /** Bound on the log; at it input pauses until confirmed segments are removed. */
    spool_max_mb: z.number().int().min(1).max(1_000_000).default(2048),
    /**
     * Log every accepted input line before the join, so a crash loses nothing accepted. Off: only
     * batches that cannot be delivered at once are logged, and a crash loses what was in memory.
     */
    wal: z.boolean().default(true),
    /**
     * When the log is fsynced: every batch (before it is sent), every wal_fsync_interval_ms, or
     * never (the kernel's writeback). A crash of the process alone loses nothing under any of them.
     */
    wal_fsync: z.enum(['batch', 'interval', 'never']).default('batch'),
    wal_fsync_interval_ms: z.number().int().min(10).max(600_000).default(1_000),
    /** Log segment size: segments are removed whole once everything in them is confirmed. */
    wal_segment_mb: z.number().int().min(1).max(4096).default(64),
    /** Rows ClickHouse refused, as JSON lines; empty: <spool_dir>/dead-letter.jsonl. */
    dead_letter_path: z.string().default(''),
    dead_letter_max_mb: z.number().int().min(1).max(100_000).default(64),
    /** Rotated dead-letter files kept beside it (path.1 … path.N). */
    dead_letter_keep: z.number().int().min(0).max(1000).default(3),
    /** First retry after a failed insert; doubles up to retry_max_ms. */
    retry_min_ms: z.number().int().min(10).max(60_000).default(500),
    retry_max_ms: z.number().int().min(100).max(600_000).default(30_000),
    /** Prometheus /metrics on 127.0.0.1; 0 = not served by the correlator (a host such as `ja4 up` may serve it). */
    metrics_port: z.number().int().min(0).max(65535).default(9102),
  })
  .strict()
  .prefault({});
