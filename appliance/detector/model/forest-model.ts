/**
 * A trained Isolation Forest as it is scored, saved and compiled (isolation-forest.ts trains it,
 * compiled.ts and serialize.ts read it). The trees are stored as flat typed arrays over all
 * trees so that scoring is a tight loop with no objects: for node i, feature[i] is the split
 * column (−1 for a leaf), value[i] the split value (or, for a leaf, its depth + c(n)), and
 * child[i] the left child (the right one is child[i] + 1).
 */
export interface IsolationForestModel {
  readonly trees: number;
  /** The effective ψ (min of the option and the training rows). */
  readonly sampleSize: number;
  readonly cols: number;
  readonly seed: number;
  readonly splitRange: 'sample' | 'bounds';
  /** Index of each tree's root in the node arrays. */
  readonly roots: Int32Array;
  readonly feature: Int16Array;
  readonly value: Float64Array;
  readonly child: Int32Array;
}
