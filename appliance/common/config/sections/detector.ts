import { z } from 'zod';

export const detectorSection = z
  .object({
    interval_minutes: z.number().int().min(1).max(1440).default(15),
    window_hours: z.number().int().min(1).max(720).default(24),
    min_baseline: z.number().int().min(10).max(10_000_000).default(500),
    /** Rows scoring above this are anomalies, unless `contamination` is set (> 0). */
    threshold: z.number().min(0).max(1).default(0.6),
    /** Expected share of anomalies; when > 0 the threshold is the matching score quantile. */
    contamination: z.number().min(0).max(0.5).default(0),
    trees: z.number().int().min(1).max(10_000).default(200),
    sample_size: z.number().int().min(2).max(1_000_000).default(256),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    port: z.number().int().min(0).max(65535).default(8080),
    host: z.string().default('127.0.0.1'),
    model_dir: z.string().default('./var/models'),
  })
  .strict()
  .prefault({});
