import type { Config } from '../common/index.js';
import { imputeMissing } from './features.js';
import { featureBounds, fitIsolationForest, scoreIsolationForest } from './model/isolation-forest.js';
import { type FeatureMatrix, selectRows } from './model/matrix.js';
import { modelVersion, type TrainedModel } from './model-state.js';
import { baselineStats } from './reasons.js';

type DetectorConfig = Config['detector'];

/**
 * Trains the model on the baseline rows of the window (baseline.ts chooses them):
 *   1. the baseline's statistics (median and robust spread per feature), which also fill the TLS
 *      features of rows without TLS, in the baseline and in the window alike;
 *   2. a first forest on the baseline, with the window's box for split values (split_range
 *      window, see model/isolation-forest.ts);
 *   3. the baseline rows that first forest scores at or above the threshold are dropped and the
 *      forest is grown again on the rest, unless that would leave fewer than min_baseline rows:
 *      a few forged or odd "browsers" in the baseline would otherwise widen what counts as normal
 *      (masking, Liu et al. 2008 §3).
 * `window` is imputed in place; the returned model's threshold is detector.threshold, or the
 * window's score quantile when detector.contamination is set.
 */
export function trainModel(
  window: FeatureMatrix,
  baseline: readonly number[],
  cfg: DetectorConfig,
  now: Date,
): TrainedModel {
  const stats = baselineStats(selectRows(window, baseline));
  imputeMissing(window, stats.median);
  const box = featureBounds(window);
  const grow = (rows: readonly number[]) =>
    fitIsolationForest(selectRows(window, rows), {
      trees: cfg.trees,
      sampleSize: cfg.sample_size,
      seed: cfg.seed,
      splitRange: cfg.split_range === 'window' ? 'bounds' : 'sample',
      bounds: box,
    });
  let forest = grow(baseline);
  let kept = baseline;
  const baseScores = scoreIsolationForest(forest, selectRows(window, baseline));
  const clean = baseline.filter((_, i) => baseScores[i] < cfg.threshold);
  if (clean.length >= cfg.min_baseline && clean.length < baseline.length) {
    forest = grow(clean);
    kept = clean;
  }
  const threshold =
    cfg.contamination > 0
      ? quantile(scoreIsolationForest(forest, window), 1 - cfg.contamination)
      : cfg.threshold;
  return {
    forest,
    version: modelVersion(forest, now),
    trainedAt: now,
    threshold,
    stats: baselineStats(selectRows(window, kept)),
    baselineRows: kept.length,
  };
}

/** The value below which a share `q` of the scores lie (nearest rank). */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return 1;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
