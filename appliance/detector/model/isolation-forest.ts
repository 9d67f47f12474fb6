import { createRng } from '../../common/prng.js';
import { ModelEmptyError, ModelInputError, ModelShapeError } from '../errors.js';
import { type CompiledForest, compiledPathSums, compileForest } from './compiled.js';
import type { IsolationForestModel } from './forest-model.js';
import type { FeatureMatrix } from './matrix.js';

export type { IsolationForestModel } from './forest-model.js';

/**
 * Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008).
 *
 * Each tree is grown on ψ rows drawn without replacement (§3: sub-sampling keeps swamping and
 * masking low), to the height limit ceil(log2 ψ) (§4.1). A node splits on a feature drawn at
 * random at a value drawn uniformly in a range; a leaf holding n rows adds c(n) to the path
 * (Eq. 1), and the score is s(x, ψ) = 2^(−E(h(x)) / c(ψ)) (Eq. 2), in (0, 1]: near 1 is
 * anomalous, ≤ 0.5 normal.
 *
 * Where the split value is drawn from (`splitRange`):
 * - 'sample' (the paper, and scikit-learn): between the min and max of the node's rows; features
 *   constant in the node are skipped, and a node with none left is a leaf.
 * - 'bounds': inside the node's region of a box given by `bounds` (the per-feature min and max of
 *   the rows that will be scored), cut down by the splits above it, as a k-d tree cuts space.
 *   A model trained on a clean baseline (humans only) otherwise cannot see a row outside the
 *   baseline's range: with 'sample' splits, a row beyond the last human on some feature follows
 *   that human's path and scores like it, and a feature that is constant among humans (a
 *   coherence flag) is never split on. With 'bounds', cuts also fall in the empty space between
 *   the baseline and the box's edge, and a row out there ends in an empty leaf (c(0) = 0) early.
 *
 * The trained trees are stored flat (forest-model.ts).
 */
export interface ForestOptions {
  /** Number of trees (t in the paper); default 100. */
  trees?: number;
  /** Sub-sample size ψ per tree; default 256, capped at the number of rows. */
  sampleSize?: number;
  /** PRNG seed: the same seed and data give the same forest. */
  seed?: number;
  /** 'sample' (default, the paper) or 'bounds' (needs `bounds`); see above. */
  splitRange?: 'sample' | 'bounds';
  /** Per-feature box for 'bounds'; widened to the training rows' own range where they exceed it. */
  bounds?: { min: ArrayLike<number>; max: ArrayLike<number> };
}

const EULER_GAMMA = 0.5772156649015329;

/** c(n): the average path length of an unsuccessful BST search over n points (Eq. 1). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Trains a forest on every row of `x`. Throws ModelEmptyError / ModelInputError on bad input. */
export function fitIsolationForest(x: FeatureMatrix, opts: ForestOptions = {}): IsolationForestModel {
  const trees = opts.trees ?? 100;
  const seed = opts.seed ?? 0;
  if (x.rows === 0) throw new ModelEmptyError();
  assertFinite(x);
  const { data, cols } = x;
  const byBounds = opts.splitRange === 'bounds';
  const psi = Math.max(1, Math.min(opts.sampleSize ?? 256, x.rows));
  const heightLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
  // With 'bounds' a split may leave one side empty, so a tree can be complete to the height limit.
  const maxNodes = trees * (byBounds ? 2 ** (heightLimit + 1) - 1 : 2 * psi - 1);
  const feature = new Int16Array(maxNodes);
  const value = new Float64Array(maxNodes);
  const child = new Int32Array(maxNodes);
  const roots = new Int32Array(trees);
  const rng = createRng(seed);
  const rootBox = byBounds ? boundingBox(x, opts.bounds) : new Float64Array(0);

  const pool = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) pool[i] = i;
  const idx = new Int32Array(psi);
  const featureOrder = new Int32Array(cols);
  for (let c = 0; c < cols; c++) featureOrder[c] = c;
  // Explicit stack of (node, start, end, depth), and per entry its region (lo, hi per feature).
  const capacity = 2 * (heightLimit + 2);
  const stack = new Int32Array(4 * capacity);
  const boxes = new Float64Array(byBounds ? capacity * 2 * cols : 0);
  const box = new Float64Array(byBounds ? 2 * cols : 0);
  let used = 0;

  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: the first ψ entries of `pool` become a uniform sample without
    // replacement. The pool is not reset between trees; any permutation is as good a start.
    for (let i = 0; i < psi; i++) {
      const j = rng.int(i, x.rows - 1);
      const tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
      idx[i] = pool[i];
    }
    const root = used++;
    roots[t] = root;
    let sp = 0;
    stack[0] = root;
    stack[1] = 0;
    stack[2] = psi;
    stack[3] = 0;
    if (byBounds) boxes.set(rootBox, 0);
    sp = 1;
    while (sp > 0) {
      sp--;
      const node = stack[4 * sp];
      const start = stack[4 * sp + 1];
      const end = stack[4 * sp + 2];
      const depth = stack[4 * sp + 3];
      if (byBounds) box.set(boxes.subarray(sp * 2 * cols, (sp + 1) * 2 * cols));
      const size = end - start;
      let split = -1;
      let lo = 0;
      let hi = 0;
      if (depth < heightLimit && size > 1) {
        // Draw features without replacement until one can be split here.
        for (let k = 0; k < cols && split < 0; k++) {
          const pick = rng.int(k, cols - 1);
          const q = featureOrder[pick];
          featureOrder[pick] = featureOrder[k];
          featureOrder[k] = q;
          if (byBounds) {
            lo = box[2 * q];
            hi = box[2 * q + 1];
          } else {
            lo = Number.POSITIVE_INFINITY;
            hi = Number.NEGATIVE_INFINITY;
            for (let i = start; i < end; i++) {
              const v = data[idx[i] * cols + q];
              if (v < lo) lo = v;
              if (v > hi) hi = v;
            }
          }
          if (hi > lo) split = q;
        }
      }
      if (split < 0) {
        feature[node] = -1;
        value[node] = depth + averagePathLength(size);
        continue;
      }
      let p = lo + rng.next() * (hi - lo);
      if (p <= lo) p = (lo + hi) / 2; // rng.next() returned 0: keep the split inside the range
      // Partition idx[start, end) so rows with x_q < p come first.
      let m = start;
      for (let i = start; i < end; i++) {
        const r = idx[i];
        if (data[r * cols + split] < p) {
          idx[i] = idx[m];
          idx[m++] = r;
        }
      }
      const left = used;
      used += 2;
      feature[node] = split;
      value[node] = p;
      child[node] = left;
      // Right child first so the left one is popped next (depth-first, left to right).
      pushNode(stack, sp, left + 1, m, end, depth + 1);
      if (byBounds) {
        const o = sp * 2 * cols;
        boxes.set(box, o);
        boxes[o + 2 * split] = p;
      }
      sp++;
      pushNode(stack, sp, left, start, m, depth + 1);
      if (byBounds) {
        const o = sp * 2 * cols;
        boxes.set(box, o);
        boxes[o + 2 * split + 1] = p;
      }
      sp++;
    }
  }
  return {
    trees,
    sampleSize: psi,
    cols,
    seed,
    splitRange: byBounds ? 'bounds' : 'sample',
    roots,
    feature: feature.slice(0, used),
    value: value.slice(0, used),
    child: child.slice(0, used),
  };
}

function pushNode(
  stack: Int32Array,
  sp: number,
  node: number,
  start: number,
  end: number,
  depth: number,
): void {
  stack[4 * sp] = node;
  stack[4 * sp + 1] = start;
  stack[4 * sp + 2] = end;
  stack[4 * sp + 3] = depth;
}

/** The root region for 'bounds': the given box, widened to the training rows' range. */
function boundingBox(x: FeatureMatrix, bounds: ForestOptions['bounds']): Float64Array {
  const own = featureBounds(x);
  const box = new Float64Array(2 * x.cols);
  for (let c = 0; c < x.cols; c++) {
    const lo = bounds && Number.isFinite(bounds.min[c]) ? bounds.min[c] : Number.POSITIVE_INFINITY;
    const hi = bounds && Number.isFinite(bounds.max[c]) ? bounds.max[c] : Number.NEGATIVE_INFINITY;
    box[2 * c] = Math.min(lo, own.min[c]);
    box[2 * c + 1] = Math.max(hi, own.max[c]);
  }
  return box;
}

/** Per-feature min and max of a matrix (the 'bounds' box of the rows a cycle scores). */
export function featureBounds(x: FeatureMatrix): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(x.cols).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(x.cols).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const v = x.data[r * x.cols + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  return { min, max };
}

const compiledCache = new WeakMap<IsolationForestModel, CompiledForest | null>();

/**
 * Anomaly scores s(x, ψ) in (0, 1] for every row of `x` (Eq. 2), through the compiled form
 * (compiled.ts) when the trees are shallow enough, else by walking the sparse trees.
 */
export function scoreIsolationForest(model: IsolationForestModel, x: FeatureMatrix): Float64Array {
  if (x.cols !== model.cols) throw new ModelShapeError(model.cols, x.cols);
  let compiled = compiledCache.get(model);
  if (compiled === undefined) {
    compiled = compileForest(model) ?? null;
    compiledCache.set(model, compiled);
  }
  const sums = compiled ? compiledPathSums(compiled, x) : sparsePathSums(model, x);
  const norm = averagePathLength(model.sampleSize) || 1;
  for (let r = 0; r < sums.length; r++) sums[r] = 2 ** -(sums[r] / model.trees / norm);
  return sums;
}

/** Sum over trees of each row's path length, walking the sparse trees (the reference scorer). */
export function sparsePathSums(model: IsolationForestModel, x: FeatureMatrix): Float64Array {
  if (x.cols !== model.cols) throw new ModelShapeError(model.cols, x.cols);
  const { data, cols } = x;
  const { roots, feature, value, child, trees } = model;
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    const base = r * cols;
    let sum = 0;
    for (let t = 0; t < trees; t++) {
      let n = roots[t];
      let f = feature[n];
      while (f >= 0) {
        n = data[base + f] < value[n] ? child[n] : child[n] + 1;
        f = feature[n];
      }
      sum += value[n];
    }
    out[r] = sum;
  }
  return out;
}

function assertFinite(x: FeatureMatrix): void {
  const { data, cols } = x;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ModelInputError(Math.floor(i / cols), i % cols, data[i]);
  }
}
