/** A dense row-major matrix of feature values: row r, column c is data[r * cols + c]. */
export interface FeatureMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export function createMatrix(rows: number, cols: number): FeatureMatrix {
  return { data: new Float64Array(rows * cols), rows, cols };
}

/** Builds a matrix from arrays of numbers (tests, benchmarks); every row must have `cols` values. */
export function matrixFromRows(
  rows: readonly (readonly number[])[],
  cols = rows[0]?.length ?? 0,
): FeatureMatrix {
  const m = createMatrix(rows.length, cols);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < cols; c++) m.data[r * cols + c] = row[c];
  }
  return m;
}

/** The rows whose indexes are given, copied into a new matrix. */
export function selectRows(m: FeatureMatrix, indexes: ArrayLike<number>): FeatureMatrix {
  const out = createMatrix(indexes.length, m.cols);
  for (let i = 0; i < indexes.length; i++) {
    const from = indexes[i] * m.cols;
    out.data.set(m.data.subarray(from, from + m.cols), i * m.cols);
  }
  return out;
}
