import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FEATURE_NAMES } from './features.js';
import type { IsolationForestModel } from './model/forest-model.js';
import { loadModel, saveModel } from './model/serialize.js';
import type { BaselineStats } from './reasons.js';

/**
 * The model the detector scores with between trainings: the forest, its version (what
 * ml_all_scores.model_version records), when it was trained, the threshold and the baseline's
 * statistics (for reasons, and for the values a row without TLS gets in the TLS features).
 * Saved as JSON in detector.model_dir (latest.json and the last few versions), so a restarted
 * detector keeps scoring with the same model and does not rescore its window.
 */
export interface TrainedModel {
  forest: IsolationForestModel;
  version: string;
  trainedAt: Date;
  threshold: number;
  stats: BaselineStats;
  baselineRows: number;
}

/** The version of the rows scored without a model (heuristics only: the baseline is too small yet). */
export const SIGNALS_ONLY = 'signals-only';

export function modelVersion(forest: IsolationForestModel, trainedAt: Date): string {
  const stamp = trainedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `iforest-${forest.trees}x${forest.sampleSize}-s${forest.seed}-${stamp}`;
}

/** Saved models kept in model_dir besides latest.json. */
const MODELS_KEPT = 5;

/**
 * Writes <dir>/<version>.json and latest.json (write, then rename: never half a file), and removes
 * all but the newest MODELS_KEPT versions (their names sort by training time).
 */
export async function saveTrained(dir: string, m: TrainedModel): Promise<string> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const body = JSON.stringify(
    saveModel(m.forest, {
      modelVersion: m.version,
      featureNames: [...FEATURE_NAMES],
      trainedAt: m.trainedAt,
      meta: {
        threshold: m.threshold,
        baseline_rows: m.baselineRows,
        baseline_median: m.stats.median,
        baseline_scale: m.stats.scale,
      },
    }),
  );
  const file = join(abs, `${m.version}.json`);
  for (const [target, tmp] of [
    [file, `${file}.tmp`],
    [join(abs, 'latest.json'), join(abs, 'latest.json.tmp')],
  ]) {
    await writeFile(tmp, body);
    await rename(tmp, target);
  }
  const stamp = (f: string) => f.slice(f.lastIndexOf('-') + 1);
  const versions = (await readdir(abs))
    .filter((f) => f.startsWith('iforest-') && f.endsWith('.json'))
    .sort((a, b) => (stamp(a) < stamp(b) ? -1 : stamp(a) > stamp(b) ? 1 : 0));
  for (const old of versions.slice(0, -MODELS_KEPT)) await rm(join(abs, old), { force: true });
  return file;
}

/**
 * The saved latest model, if there is one this version can use (same features, in order); any
 * other file is ignored and the next cycle trains anew.
 */
export function loadTrained(dir: string): TrainedModel | undefined {
  const file = join(resolve(dir), 'latest.json');
  if (!dir || !existsSync(file)) return undefined;
  try {
    const { model, saved } = loadModel(JSON.parse(readFileSync(file, 'utf8')), file);
    if (saved.feature_names.join(',') !== FEATURE_NAMES.join(',')) return undefined;
    const meta = saved.meta as {
      threshold?: number;
      baseline_rows?: number;
      baseline_median?: number[];
      baseline_scale?: number[];
    };
    if (!meta.baseline_median || !meta.baseline_scale || typeof meta.threshold !== 'number') return undefined;
    return {
      forest: model,
      version: saved.model_version,
      trainedAt: new Date(saved.trained_at),
      threshold: meta.threshold,
      stats: { median: meta.baseline_median, scale: meta.baseline_scale },
      baselineRows: meta.baseline_rows ?? 0,
    };
  } catch {
    return undefined;
  }
}
