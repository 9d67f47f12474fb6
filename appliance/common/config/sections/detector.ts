import { z } from 'zod';
import { bearerToken } from './bearer-token.js';

/** The bot detector (appliance/detector): scoring cycle, Isolation Forest and HTTP API. */
export const detectorSection = z
  .object({
    /** Minutes between scoring cycles. */
    interval_minutes: z.number().int().min(1).max(1440).default(15),
    /** Seconds after start-up before the first cycle (lets `ja4 up --seed` load data first). */
    first_cycle_delay_seconds: z.number().int().min(0).max(86_400).default(10),
    /** Hours of view_ai_features_1h each cycle reads, up to the end of the current hour. */
    window_hours: z.number().int().min(1).max(720).default(24),
    /**
     * Seconds between the scheduler's checks for requests that arrived since the last cycle; when
     * some did, an incremental cycle runs (no sooner than min_cycle_gap_seconds after the last one),
     * so new traffic is scored within about a minute. 0 = only the interval cycle.
     */
    poll_seconds: z.number().int().min(0).max(3600).default(15),
    /**
     * Requests ingested up to this many seconds before the last cycle's watermark are read again:
     * asynchronous inserts may commit slightly out of ingest_time order. Rows read again but
     * unchanged are not written.
     */
    ingest_margin_seconds: z.number().int().min(0).max(600).default(10),
    /** Least time between two cycles started by the poll. */
    min_cycle_gap_seconds: z.number().int().min(1).max(3600).default(30),
    /**
     * Hours after which the model is trained again (a full cycle: the window rescored with the new
     * model). It is also trained again when the baseline has doubled since, or drifted (a quarter of
     * the new baseline rows score as anomalies).
     */
    retrain_hours: z.number().min(0.1).max(720).default(6),
    /**
     * Fewer baseline rows (coherent browsers, see baseline.ts) than this in the window: no model is
     * trained and verdicts come from the explicit signals only; the status says so with the numbers.
     */
    min_baseline: z.number().int().min(10).max(10_000_000).default(30),
    /**
     * Verify User-Agents claiming a search engine's crawler by forward-confirmed reverse DNS. Off,
     * or with no DNS, such rows are judged as any declared crawler and their reasons say so.
     */
    verify_crawlers: z.boolean().default(true),
    /** Timeout of one DNS lookup of the crawler verification. */
    dns_timeout_ms: z.number().int().min(50).max(30_000).default(1000),
    /**
     * Rows scoring at or above this are anomalies, unless `contamination` is set (> 0). With
     * split_range = window, cuts in empty space lengthen every baseline path, so humans score about
     * 0.33 rather than the paper's 0.5 (Liu et al. 2008 §2); 0.45 separated both labelled sets of
     * bench/results/detector.json (P = R = 1 there, R = 0.67 on the synthetic set at 0.5).
     * With split_range = sample, use about 0.6.
     */
    threshold: z.number().min(0).max(1).default(0.45),
    /** Expected share of anomalies; when > 0 the threshold is the matching score quantile. */
    contamination: z.number().min(0).max(0.5).default(0),
    /** Trees in the forest (Liu et al. 2008 and scikit-learn use 100; path lengths converge by then). */
    trees: z.number().int().min(1).max(10_000).default(100),
    /** Rows drawn per tree (ψ). Capped at 4096: deeper trees cost memory and help no accuracy (§3). */
    sample_size: z.number().int().min(2).max(4096).default(256),
    /**
     * Where split values are drawn: `window` = within the per-feature range of all rows of the
     * window (so rows outside the human baseline's range are isolated early), `sample` = within the
     * node's training rows as in Liu et al. 2008 and scikit-learn. See model/isolation-forest.ts.
     */
    split_range: z.enum(['window', 'sample']).default('window'),
    /** PRNG seed: the same seed and rows give the same model and scores. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    /** The detector API (/health, /ready, /metrics, /status, POST /run). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Loopback by default: set another address only where the network requires it. */
    host: z.string().default('127.0.0.1'),
    /**
     * Secret: `Authorization: Bearer <token>` on every API route but /health and /ready. Empty: one
     * is generated into state_dir/api.token (0600), where `ja4 up` and `ja4 dashboard` find it.
     */
    api_token: bearerToken,
    /** Where the generated API token is kept. */
    state_dir: z.string().default('./var/detector'),
    /** Where trained models are saved as JSON (latest.json and the last few versions); '' = not saved. */
    model_dir: z.string().default('./var/models'),
  })
  .strict()
  .prefault({});
