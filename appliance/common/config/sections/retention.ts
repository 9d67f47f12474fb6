import { z } from 'zod';

/** Days of data kept by ClickHouse TTLs and the detector's partition rotation. */
export const retentionSection = z
  .object({
    http_logs_days: z.number().int().min(1).max(3650).default(30),
    ml_days: z.number().int().min(1).max(3650).default(30),
  })
  .strict()
  .prefault({});
