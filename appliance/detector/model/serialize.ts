import { ModelFileError } from '../errors.js';
import type { IsolationForestModel } from './forest-model.js';

/** The saved form of a trained model: plain JSON, loadable by any later version that knows `format`. */
export interface SavedModel {
  format: 'ja4-isolation-forest';
  version: 1;
  /** Identifies the model in ml_all_scores.model_version. */
  model_version: string;
  trained_at: string;
  feature_names: string[];
  trees: number;
  sample_size: number;
  seed: number;
  split_range: 'sample' | 'bounds';
  /** Extra facts kept with the model (baseline statistics for reasons, threshold). */
  meta: Record<string, unknown>;
  roots: number[];
  feature: number[];
  /** Split values and leaf path lengths; JSON numbers round-trip float64 exactly. */
  value: number[];
  child: number[];
}

export function saveModel(
  model: IsolationForestModel,
  info: { modelVersion: string; featureNames: string[]; trainedAt?: Date; meta?: Record<string, unknown> },
): SavedModel {
  return {
    format: 'ja4-isolation-forest',
    version: 1,
    model_version: info.modelVersion,
    trained_at: (info.trainedAt ?? new Date()).toISOString(),
    feature_names: info.featureNames,
    trees: model.trees,
    sample_size: model.sampleSize,
    seed: model.seed,
    split_range: model.splitRange,
    meta: info.meta ?? {},
    roots: Array.from(model.roots),
    feature: Array.from(model.feature),
    value: Array.from(model.value),
    child: Array.from(model.child),
  };
}

/** Rebuilds a model from saveModel's output (already JSON.parse'd); checks every index it will follow. */
export function loadModel(
  saved: unknown,
  source = 'JSON',
): { model: IsolationForestModel; saved: SavedModel } {
  const s = saved as Partial<SavedModel> | null;
  if (s?.format !== 'ja4-isolation-forest')
    throw new ModelFileError(source, 'not a ja4-isolation-forest model');
  if (s.version !== 1)
    throw new ModelFileError(source, `unsupported model format version ${String(s.version)}`);
  const arrays = [s.roots, s.feature, s.value, s.child, s.feature_names];
  if (!arrays.every(Array.isArray)) throw new ModelFileError(source, 'missing node arrays');
  const nodes = s.feature!.length;
  if (s.value!.length !== nodes || s.child!.length !== nodes || s.roots!.length !== s.trees) {
    throw new ModelFileError(source, 'node arrays of different lengths');
  }
  const cols = s.feature_names!.length;
  const feature = Int16Array.from(s.feature!);
  const child = Int32Array.from(s.child!);
  const roots = Int32Array.from(s.roots!);
  for (let i = 0; i < nodes; i++) {
    if (feature[i] >= cols || (feature[i] >= 0 && (child[i] <= i || child[i] + 1 >= nodes))) {
      throw new ModelFileError(source, `node ${i} points outside the model`);
    }
  }
  if (roots.some((r) => r < 0 || r >= nodes))
    throw new ModelFileError(source, 'a root points outside the model');
  const model: IsolationForestModel = {
    trees: s.trees!,
    sampleSize: s.sample_size!,
    cols,
    seed: s.seed ?? 0,
    splitRange: s.split_range === 'bounds' ? 'bounds' : 'sample',
    roots,
    feature,
    value: Float64Array.from(s.value!),
    child,
  };
  return { model, saved: s as SavedModel };
}
