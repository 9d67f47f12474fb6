import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureMatrix } from '../../appliance/detector/model/matrix.js';

/**
 * scikit-learn's IsolationForest on the same feature matrices, for the detector benchmark's
 * side-by-side line: single thread (n_jobs=1, BLAS/OpenMP at one thread), same trees, ψ and
 * seed. Features go through float64 files in a temp directory; scores come back the same way
 * (−score_samples, which is s(x, ψ) of the paper).
 */
const PROGRAM = `
import json, sys, time
import numpy as np
from sklearn.ensemble import IsolationForest
d, cols, trees, psi, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
train = np.fromfile(d + '/train.f64', dtype='<f8').reshape(-1, cols)
score = np.fromfile(d + '/score.f64', dtype='<f8').reshape(-1, cols)
model = IsolationForest(n_estimators=trees, max_samples=min(psi, len(train)), random_state=seed, n_jobs=1)
t0, c0 = time.perf_counter(), time.process_time(); model.fit(train); t1, c1 = time.perf_counter(), time.process_time()
s = -model.score_samples(score); t2, c2 = time.perf_counter(), time.process_time()
s.astype('<f8').tofile(d + '/out.f64')
import sklearn
print(json.dumps({'fit_ms': (t1 - t0) * 1000, 'score_ms': (t2 - t1) * 1000, 'fit_cpu_ms': (c1 - c0) * 1000,
                  'score_cpu_ms': (c2 - c1) * 1000, 'version': sklearn.__version__}))
`;

export interface SklearnRun {
  fit_ms: number;
  score_ms: number;
  fit_cpu_ms: number;
  score_cpu_ms: number;
  version: string;
  scores: Float64Array;
}

/** The first python3 that imports sklearn (pyenv shims may shadow Debian's python3-sklearn). */
export function findSklearnPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

export function runSklearn(
  python: string,
  train: FeatureMatrix,
  score: FeatureMatrix,
  opts: { trees: number; sampleSize: number; seed: number },
): SklearnRun {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-bench-sklearn-'));
  try {
    writeFileSync(
      join(dir, 'train.f64'),
      Buffer.from(train.data.buffer, train.data.byteOffset, train.data.byteLength),
    );
    writeFileSync(
      join(dir, 'score.f64'),
      Buffer.from(score.data.buffer, score.data.byteOffset, score.data.byteLength),
    );
    const r = spawnSync(
      python,
      [
        '-c',
        PROGRAM,
        dir,
        String(train.cols),
        String(opts.trees),
        String(opts.sampleSize),
        String(opts.seed),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        maxBuffer: 16 << 20,
      },
    );
    if (r.status !== 0)
      throw new Error(`scikit-learn run failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    const buf = readFileSync(join(dir, 'out.f64'));
    const scores = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return { ...out, scores };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
