import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../../appliance/common/prng.js';
import {
  averagePathLength,
  featureBounds,
  fitIsolationForest,
  scoreIsolationForest,
  sparsePathSums,
} from '../../../../../appliance/detector/model/isolation-forest.js';
import {
  createMatrix,
  type FeatureMatrix,
  matrixFromRows,
} from '../../../../../appliance/detector/model/matrix.js';
import { loadModel, saveModel } from '../../../../../appliance/detector/model/serialize.js';

/** A Gaussian-ish cloud of `n` points around the origin (sum of uniforms), plus extra rows. */
function cloud(n: number, cols: number, seed: number, extra: number[][] = []): FeatureMatrix {
  const rng = createRng(seed);
  const m = createMatrix(n + extra.length, cols);
  for (let i = 0; i < n * cols; i++) m.data[i] = rng.next() + rng.next() + rng.next() - 1.5;
  for (const [k, row] of extra.entries()) m.data.set(row, (n + k) * cols);
  return m;
}

describe('averagePathLength (Liu et al. 2008, Eq. 1)', () => {
  it('matches the published values', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(256) = 2(ln 255 + γ) − 2·255/256, as scikit-learn's _average_path_length(256) gives.
    expect(averagePathLength(256)).toBeCloseTo(10.244770920116851, 10);
  });
});

describe('fitIsolationForest / scoreIsolationForest', () => {
  const x = cloud(2000, 4, 7, [[6, 6, 6, 6]]);

  it('scores in (0, 1], the far point highest', () => {
    const model = fitIsolationForest(x, { trees: 100, seed: 1 });
    const s = scoreIsolationForest(model, x);
    for (const v of s) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const outlier = s[2000];
    expect(outlier).toBeGreaterThan(0.7);
    expect(Math.max(...s.subarray(0, 2000))).toBeLessThan(outlier);
  });

  it('subsamples ψ rows per tree and limits the height to ceil(log2 ψ)', () => {
    const model = fitIsolationForest(x, { trees: 10, sampleSize: 64, seed: 1 });
    expect(model.sampleSize).toBe(64);
    // A tree over 64 rows has at most 64 leaves, i.e. at most 127 nodes.
    expect(model.feature.length).toBeLessThanOrEqual(10 * 127);
    // Leaves sit at depth ≤ 6: their stored path is depth + c(n) ≤ 6 + c(64).
    for (let i = 0; i < model.feature.length; i++) {
      if (model.feature[i] < 0) expect(model.value[i]).toBeLessThanOrEqual(6 + averagePathLength(64) + 1e-9);
    }
    expect(fitIsolationForest(cloud(30, 2, 3), { sampleSize: 256 }).sampleSize).toBe(30);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = fitIsolationForest(x, { trees: 50, seed: 42 });
    const b = fitIsolationForest(x, { trees: 50, seed: 42 });
    const c = fitIsolationForest(x, { trees: 50, seed: 43 });
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect(Array.from(scoreIsolationForest(b, x))).toEqual(Array.from(scoreIsolationForest(a, x)));
    expect(Array.from(c.value)).not.toEqual(Array.from(a.value));
  });

  it('the compiled scorer gives the sparse walk’s path lengths', () => {
    for (const splitRange of ['sample', 'bounds'] as const) {
      const model = fitIsolationForest(x, { trees: 37, seed: 5, splitRange, bounds: featureBounds(x) });
      const s = scoreIsolationForest(model, x);
      const sums = sparsePathSums(model, x);
      const c = averagePathLength(model.sampleSize);
      for (let i = 0; i < x.rows; i += 7) expect(s[i]).toBeCloseTo(2 ** -(sums[i] / 37 / c), 12);
    }
  });

  it("'bounds' isolates a value the baseline never shows; 'sample' cannot split a constant feature", () => {
    // Feature 1 is 0 for every training row (a coherence flag all humans pass).
    const train = cloud(1000, 2, 9);
    for (let r = 0; r < train.rows; r++) train.data[r * 2 + 1] = 0;
    const scored = matrixFromRows([
      [0, 0],
      [0, 1],
    ]);
    const all = matrixFromRows([...Array.from({ length: 20 }, () => [0, 0]), [0, 1]]);
    const sample = scoreIsolationForest(fitIsolationForest(train, { seed: 1 }), scored);
    expect(sample[1]).toBeCloseTo(sample[0], 12);
    const bounded = fitIsolationForest(train, { seed: 1, splitRange: 'bounds', bounds: featureBounds(all) });
    const b = scoreIsolationForest(bounded, scored);
    expect(b[1]).toBeGreaterThan(0.6);
    expect(b[1]).toBeGreaterThan(b[0] + 0.2);
  });

  it('rejects non-finite input, empty input and a wrong number of features', () => {
    const bad = cloud(10, 2, 1);
    bad.data[5] = Number.NaN;
    expect(() => fitIsolationForest(bad)).toThrow(
      expect.objectContaining({ code: 'JA4_ERR_DETECTOR_MODEL_INPUT' }),
    );
    expect(() => fitIsolationForest(createMatrix(0, 2))).toThrow(
      expect.objectContaining({ code: 'JA4_ERR_DETECTOR_MODEL_EMPTY' }),
    );
    const model = fitIsolationForest(cloud(10, 2, 1));
    expect(() => scoreIsolationForest(model, cloud(3, 3, 1))).toThrow(
      expect.objectContaining({ code: 'JA4_ERR_DETECTOR_MODEL_SHAPE' }),
    );
  });
});

describe('saveModel / loadModel', () => {
  it('round-trips through JSON to identical scores', () => {
    const x = cloud(500, 3, 11, [[5, -5, 5]]);
    const model = fitIsolationForest(x, {
      trees: 20,
      seed: 3,
      splitRange: 'bounds',
      bounds: featureBounds(x),
    });
    const saved = saveModel(model, { modelVersion: 'v-test', featureNames: ['a', 'b', 'c'] });
    const { model: loaded, saved: back } = loadModel(JSON.parse(JSON.stringify(saved)));
    expect(back.model_version).toBe('v-test');
    expect(loaded.splitRange).toBe('bounds');
    expect(Array.from(scoreIsolationForest(loaded, x))).toEqual(Array.from(scoreIsolationForest(model, x)));
  });

  it('refuses files that are not models or point outside themselves', () => {
    expect(() => loadModel({ format: 'other' }, 'x.json')).toThrow(
      expect.objectContaining({ code: 'JA4_ERR_DETECTOR_MODEL_FILE' }),
    );
    const x = cloud(50, 2, 1);
    const saved = saveModel(fitIsolationForest(x, { trees: 2 }), {
      modelVersion: 'v',
      featureNames: ['a', 'b'],
    });
    const broken = { ...saved, child: saved.child.map((c, i) => (saved.feature[i] >= 0 ? 10_000 : c)) };
    expect(() => loadModel(broken, 'broken.json')).toThrow(/node \d+ points outside/);
  });
});
