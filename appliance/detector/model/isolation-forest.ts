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
  if (x.rows === 0) throw new ModelEmptyError();
  assertFinite(x);
  const g = newGrowth(x, opts);
  for (let t = 0; t < g.trees; t++) {
    drawSample(g);
    g.roots[t] = growTree(g);
  }
  return {
    trees: g.trees,
    sampleSize: g.psi,
    cols: x.cols,
    seed: g.seed,
    splitRange: g.byBounds ? 'bounds' : 'sample',
    roots: g.roots,
    feature: g.feature.slice(0, g.used),
    value: g.value.slice(0, g.used),
    child: g.child.slice(0, g.used),
  };
}

/** Everything one training run works in: the flat node arrays, the sample, the stack of open nodes. */
interface Growth {
  x: FeatureMatrix;
  trees: number;
  seed: number;
  psi: number;
  heightLimit: number;
  byBounds: boolean;
  rng: ReturnType<typeof createRng>;
  feature: Int16Array;
  value: Float64Array;
  child: Int32Array;
  roots: Int32Array;
  used: number;
  rootBox: Float64Array;
  pool: Int32Array;
  idx: Int32Array;
  featureOrder: Int32Array;
  /** Explicit stack of (node, start, end, depth), and per entry its region (lo, hi per feature). */
  stack: Int32Array;
  boxes: Float64Array;
  box: Float64Array;
}

function newGrowth(x: FeatureMatrix, opts: ForestOptions): Growth {
  const trees = opts.trees ?? 100;
  const byBounds = opts.splitRange === 'bounds';
  const psi = Math.max(1, Math.min(opts.sampleSize ?? 256, x.rows));
  const heightLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
  // With 'bounds' a split may leave one side empty, so a tree can be complete to the height limit.
  const maxNodes = trees * (byBounds ? 2 ** (heightLimit + 1) - 1 : 2 * psi - 1);
  const capacity = 2 * (heightLimit + 2);
  const pool = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) pool[i] = i;
  const featureOrder = new Int32Array(x.cols);
  for (let c = 0; c < x.cols; c++) featureOrder[c] = c;
  return {
    x,
    trees,
    seed: opts.seed ?? 0,
    psi,
    heightLimit,
    byBounds,
    rng: createRng(opts.seed ?? 0),
    feature: new Int16Array(maxNodes),
    value: new Float64Array(maxNodes),
    child: new Int32Array(maxNodes),
    roots: new Int32Array(trees),
    used: 0,
    rootBox: byBounds ? boundingBox(x, opts.bounds) : new Float64Array(0),
    pool,
    idx: new Int32Array(psi),
    featureOrder,
    stack: new Int32Array(4 * capacity),
    boxes: new Float64Array(byBounds ? capacity * 2 * x.cols : 0),
    box: new Float64Array(byBounds ? 2 * x.cols : 0),
  };
}

/**
 * Partial Fisher–Yates: the first ψ entries of the pool become a uniform sample without
 * replacement. The pool is not reset between trees; any permutation is as good a start.
 */
function drawSample(g: Growth): void {
  for (let i = 0; i < g.psi; i++) {
    const j = g.rng.int(i, g.x.rows - 1);
    const tmp = g.pool[i];
    g.pool[i] = g.pool[j];
    g.pool[j] = tmp;
    g.idx[i] = g.pool[i];
  }
}

/** Grows one tree over the sample, depth first, and returns its root's index. */
function growTree(g: Growth): number {
  const cols = g.x.cols;
  const root = g.used++;
  pushNode(g.stack, 0, root, 0, g.psi, 0);
  if (g.byBounds) g.boxes.set(g.rootBox, 0);
  let sp = 1;
  while (sp > 0) {
    sp--;
    const node = g.stack[4 * sp];
    const start = g.stack[4 * sp + 1];
    const end = g.stack[4 * sp + 2];
    const depth = g.stack[4 * sp + 3];
    if (g.byBounds) g.box.set(g.boxes.subarray(sp * 2 * cols, (sp + 1) * 2 * cols));
    const split = depth < g.heightLimit && end - start > 1 ? chooseSplit(g, start, end) : undefined;
    if (!split) {
      g.feature[node] = -1;
      g.value[node] = depth + averagePathLength(end - start);
      continue;
    }
    const m = partition(g, start, end, split.q, split.p);
    const left = g.used;
    g.used += 2;
    g.feature[node] = split.q;
    g.value[node] = split.p;
    g.child[node] = left;
    // Right child first so the left one is popped next (depth-first, left to right).
    sp = pushChild(g, sp, left + 1, m, end, depth + 1, 2 * split.q, split.p);
    sp = pushChild(g, sp, left, start, m, depth + 1, 2 * split.q + 1, split.p);
  }
  return root;
}

/** Pushes a child and, with 'bounds', its region: the parent's with one side cut at the split. */
function pushChild(
  g: Growth,
  sp: number,
  node: number,
  start: number,
  end: number,
  depth: number,
  side: number,
  p: number,
): number {
  pushNode(g.stack, sp, node, start, end, depth);
  if (g.byBounds) {
    const o = sp * 2 * g.x.cols;
    g.boxes.set(g.box, o);
    g.boxes[o + side] = p;
  }
  return sp + 1;
}

/**
 * Draws features without replacement until one can be split here, and a split value uniformly
 * in its range (the node's rows, or the node's region with 'bounds'); undefined when none can.
 */
function chooseSplit(g: Growth, start: number, end: number): { q: number; p: number } | undefined {
  const { data, cols } = g.x;
  for (let k = 0; k < cols; k++) {
    const pick = g.rng.int(k, cols - 1);
    const q = g.featureOrder[pick];
    g.featureOrder[pick] = g.featureOrder[k];
    g.featureOrder[k] = q;
    let lo: number;
    let hi: number;
    if (g.byBounds) {
      lo = g.box[2 * q];
      hi = g.box[2 * q + 1];
    } else {
      lo = Number.POSITIVE_INFINITY;
      hi = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const v = data[g.idx[i] * cols + q];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (hi > lo) {
      let p = lo + g.rng.next() * (hi - lo);
      if (p <= lo) p = (lo + hi) / 2; // rng.next() returned 0: keep the split inside the range
      return { q, p };
    }
  }
  return undefined;
}

/** Reorders idx[start, end) so rows with x_q < p come first; returns where the right side starts. */
function partition(g: Growth, start: number, end: number, q: number, p: number): number {
  const { data, cols } = g.x;
  let m = start;
  for (let i = start; i < end; i++) {
    const r = g.idx[i];
    if (data[r * cols + q] < p) {
      g.idx[i] = g.idx[m];
      g.idx[m++] = r;
    }
  }
  return m;
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
