import { z } from 'zod';

export const correlatorSection = z
  .object({
    /** How long a TLS handshake keeps serving HTTP events on its connection after the last one. */
    idle_window_ms: z.number().int().min(1000).max(86_400_000).default(300_000),
    /** How long an HTTP event waits for its handshake before it is emitted uncorrelated. */
    grace_ms: z.number().int().min(0).max(60_000).default(2_000),
    batch_rows: z.number().int().min(1).max(1_000_000).default(10_000),
    batch_age_ms: z.number().int().min(10).max(60_000).default(1_000),
    max_connections: z.number().int().min(16).max(10_000_000).default(500_000),
    max_pending: z.number().int().min(16).max(10_000_000).default(100_000),
    max_line_bytes: z.number().int().min(1024).max(16_777_216).default(65_536),
    sink: z.enum(['clickhouse', 'file', 'stdout']).default('clickhouse'),
    file_path: z.string().default('./var/log/ja4-correlated.jsonl'),
    file_max_mb: z.number().int().min(1).max(100_000).default(256),
    spool_dir: z.string().min(1).default('./var/spool'),
    spool_max_mb: z.number().int().min(1).max(1_000_000).default(2048),
    metrics_port: z.number().int().min(0).max(65535).default(9102),
  })
  .strict()
  .prefault({});
