/**
 * `npm run bench:detector`: the detector's accuracy and speed, side by side in one run.
 *   1. accuracy on two labelled sets: the seed generator's data (appliance/demo) through the
 *      real schema on an embedded engine (view_ai_features_1h, labels from seed_labels), and the
 *      synthetic feature rows of scripts/lib/detector-synthetic.ts. Each model is trained on the
 *      human baseline (isBaselineRow) and scores every row: ROC AUC, precision and recall at the
 *      configured threshold.
 *   2. speed: fit and score of 10k and 100k rows (fit on all of them, score all of them), one core.
 * Implementations: ours with split_range = window (the default) and = sample (the paper's rule),
 * scikit-learn's IsolationForest (single thread, same trees/ψ/seed, same features) and
 * ml-isolation-forest 0.1.0 as published.
 *   3. scale (scripts/lib/detector-scale.ts): a simulated day of 15-minute cycles at 1M and 10M
 *      requests a day (and the first two hours at 100M) through the real schema: each cycle's time
 *      and rows read and written, new (incremental cycles, retraining on schedule, growth or drift)
 *      against old (every cycle reads, trains on, scores and rewrites the whole window, measured at
 *      6, 12, 18 and 24 hours), and how ml_all_scores grows per feature row and model version.
 * Writes bench/results/detector.json. BENCH_QUICK=1 skips ml-isolation-forest at 100k rows (about
 * half a minute); --scale-only runs stage 3 alone and keeps the other stages' last results,
 * --skip-scale the reverse;
 * --rates 1000000,10000000 chooses the scale stage's rates.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';
import { minimist } from 'zx';
import { defaultConfig, openClickHouse } from '../appliance/common/index.js';
import { defaultDictionariesDir, loadDictionaries, migrateUp } from '../appliance/common/migrate/index.js';
import { readBotLists, writeSeed } from '../appliance/demo/index.js';
import { isBaselineRow } from '../appliance/detector/baseline.js';
import {
  buildFeatures,
  buildJa4Context,
  FEATURE_NAMES,
  type FeatureRow,
  imputeMissing,
} from '../appliance/detector/features.js';
import {
  featureBounds,
  fitIsolationForest,
  scoreIsolationForest,
} from '../appliance/detector/model/isolation-forest.js';
import { type FeatureMatrix, selectRows } from '../appliance/detector/model/matrix.js';
import { baselineStats } from '../appliance/detector/reasons.js';
import { readFeatureRows } from '../appliance/detector/store.js';
import { REPO_ROOT, writeResult } from './lib/bench.js';
import { isEntryPoint, runMain } from './lib/cli.js';
import { precisionRecall, rocAuc } from './lib/detector-eval.js';
import { shippedFamilies } from './lib/detector-families.js';
import { referenceStage } from './lib/detector-reference-stage.js';
import { scaleStage } from './lib/detector-scale-stage.js';
import { findSklearnPython, runSklearn } from './lib/detector-sklearn.js';
import { syntheticRows } from './lib/detector-synthetic.js';

const CFG = defaultConfig().detector;
const OPTS = { trees: CFG.trees, sampleSize: CFG.sample_size, seed: CFG.seed };
const QUICK = process.env.BENCH_QUICK === '1';
const THRESHOLDS = [0.4, 0.45, 0.5, 0.55, 0.6];
const SYNTHETIC_ROWS = 5_000;

interface LabelledSet {
  name: string;
  rows: FeatureRow[];
  bot: boolean[];
}

type Impl =
  | 'ja4 split_range=window'
  | 'ja4 split_range=sample'
  | 'scikit-learn'
  | 'ml-isolation-forest 0.1.0';
/** Wall and CPU time of fit and score; CPU time is the steadier one on a shared machine. */
interface Timed {
  fit_ms: number;
  score_ms: number;
  fit_cpu_ms: number;
  score_cpu_ms: number;
  scores: ArrayLike<number>;
}
type Runner = (train: FeatureMatrix, score: FeatureMatrix) => Timed;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Times fit and score of an in-process model. */
function timed<M>(train: () => M, score: (m: M) => ArrayLike<number>): Timed {
  const w0 = performance.now();
  const c0 = cpuMs();
  const model = train();
  const w1 = performance.now();
  const c1 = cpuMs();
  const scores = score(model);
  return {
    fit_ms: w1 - w0,
    score_ms: performance.now() - w1,
    fit_cpu_ms: c1 - c0,
    score_cpu_ms: cpuMs() - c1,
    scores,
  };
}

function runners(python: string | undefined): Partial<Record<Impl, Runner>> {
  const ours =
    (splitRange: 'bounds' | 'sample'): Runner =>
    (train, score) =>
      timed(
        () => fitIsolationForest(train, { ...OPTS, splitRange, bounds: featureBounds(score) }),
        (model) => scoreIsolationForest(model, score),
      );
  const out: Partial<Record<Impl, Runner>> = {
    'ja4 split_range=window': ours('bounds'),
    'ja4 split_range=sample': ours('sample'),
    'ml-isolation-forest 0.1.0': (train, score) => {
      const trainRows = toArrays(train);
      const scoreRows = toArrays(score);
      return timed(
        () => {
          const f = new MlIsolationForest({ nEstimators: OPTS.trees });
          f.train(trainRows);
          return f;
        },
        (f) => f.predict(scoreRows),
      );
    },
  };
  if (python) out['scikit-learn'] = (train, score) => runSklearn(python, train, score, OPTS);
  return out;
}

function toArrays(m: FeatureMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

/** The seeder's labelled data through migrations, materialized views and the features view. */
async function seededSet(): Promise<LabelledSet> {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-bench-detector-'));
  const ch = await openClickHouse({ ...defaultConfig().clickhouse, url: `embedded:${dir}` });
  try {
    await migrateUp(ch.client, {});
    await loadDictionaries(ch.client, {});
    const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const bots = readBotLists(defaultDictionariesDir());
    await writeSeed(
      ch.client,
      { seed: '42', scale: 1, endUs: end * 1000, hours: 24, bots },
      { runId: 'bench', batchRows: 20_000 },
    );
    const rows = await readFeatureRows(ch.client, new Date(end - 25 * 3_600_000), new Date(end + 3_600_000));
    const rs = await ch.client.query({
      query: `SELECT client_ip, ja4, max(label = 'bot') AS bot FROM ja4_processing.seed_labels GROUP BY client_ip, ja4`,
      format: 'JSONEachRow',
    });
    const labels = new Map(
      (await rs.json<{ client_ip: string; ja4: string; bot: number }>()).map((l) => [
        `${l.client_ip}|${l.ja4}`,
        l.bot === 1,
      ]),
    );
    return {
      name: 'seeded (appliance/demo, seed 42, via view_ai_features_1h)',
      rows,
      bot: rows.map((r) => labels.get(`${r.src_ip}|${r.ja4}`) ?? false),
    };
  } finally {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function syntheticSet(n: number): LabelledSet {
  const set = syntheticRows(n, 1);
  return {
    name: `synthetic (${n} rows, scripts/lib/detector-synthetic.ts)`,
    rows: set.map((s) => s.row),
    bot: set.map((s) => s.label !== 'human'),
  };
}

/** Features of a set, the day-one baseline (coherent browsers) and the baseline-imputed matrix. */
export function featuresOf(rows: readonly FeatureRow[]) {
  const { matrix, facts } = buildFeatures(rows, buildJa4Context(rows), shippedFamilies());
  const baseline = rows.map((r, i) => (isBaselineRow(r, facts[i]) ? i : -1)).filter((i) => i >= 0);
  imputeMissing(matrix, baselineStats(selectRows(matrix, baseline)).median);
  return { matrix, baseline };
}

function accuracy(set: LabelledSet, run: Partial<Record<Impl, Runner>>) {
  const { matrix, baseline } = featuresOf(set.rows);
  const train = selectRows(matrix, baseline);
  const results: Record<string, unknown> = {};
  for (const [impl, runner] of Object.entries(run)) {
    const r = runner(train, matrix);
    const auc = rocAuc(r.scores, set.bot);
    const pr = precisionRecall(r.scores, set.bot, CFG.threshold);
    const sweep = THRESHOLDS.map((t) => roundAll(precisionRecall(r.scores, set.bot, t)));
    results[impl] = { auc: round(auc, 4), at_threshold: roundAll(pr), thresholds: sweep, ...times(r) };
    echo(
      `  ${impl.padEnd(28)} AUC ${auc.toFixed(4)}  P ${pr.precision.toFixed(3)} R ${pr.recall.toFixed(3)} at ${CFG.threshold}`,
    );
  }
  return {
    rows: set.rows.length,
    bots: set.bot.filter(Boolean).length,
    baseline_rows: baseline.length,
    results,
  };
}

function timing(n: number, run: Partial<Record<Impl, Runner>>) {
  const { matrix } = featuresOf(syntheticRows(n, 11).map((s) => s.row));
  const out: Record<string, unknown> = {};
  for (const [impl, runner] of Object.entries(run)) {
    if (impl.startsWith('ml-') && n > 10_000 && QUICK) continue;
    const reps = impl.startsWith('ml-') ? 1 : 3;
    const runs: Timed[] = [];
    for (let i = 0; i < reps; i++) runs.push(runner(matrix, matrix));
    // The run with the median total CPU time, whole (not a mix of different runs' parts).
    runs.sort((a, b) => a.fit_cpu_ms + a.score_cpu_ms - (b.fit_cpu_ms + b.score_cpu_ms));
    const r = runs[Math.floor(runs.length / 2)];
    out[impl] = { ...times(r), total_cpu_ms: round(r.fit_cpu_ms + r.score_cpu_ms, 1), reps };
    echo(
      `  ${impl.padEnd(28)} fit ${r.fit_cpu_ms.toFixed(0).padStart(6)} ms  score ${r.score_cpu_ms.toFixed(0).padStart(6)} ms CPU` +
        `  (wall ${r.fit_ms.toFixed(0)} + ${r.score_ms.toFixed(0)} ms)`,
    );
  }
  return out;
}

/**
 * What the detector's model needs (determinism, a seed, ψ sub-sampling per tree, save and load),
 * checked against ml-isolation-forest as published: why the forest is our own.
 */
function mlIsolationForestCriteria(set: LabelledSet) {
  const { matrix } = featuresOf(set.rows);
  const data = toArrays(matrix);
  const a = new MlIsolationForest({ nEstimators: 10 });
  a.train(data);
  const b = new MlIsolationForest({ nEstimators: 10 });
  b.train(data);
  const same = a.predict(data).every((v: number, i: number) => v === b.predict(data)[i]);
  return {
    deterministic: same,
    seedable: false,
    subsampling_per_tree: false,
    save_load: false,
    notes:
      'train() grows every tree on the full training set to depth log2(N) and draws features and split ' +
      'values from Math.random (no seed option); c(n) uses the full training size; no serialisation API.',
  };
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { boolean: ['scale-only', 'skip-scale'], string: ['rates'] });
  const rates = String(args.rates ?? '1000000,10000000,100000000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const previous = JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results/detector.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const reference = await referenceStage(echo);
  // Each rate's result is written as soon as it is measured (a day at 10M requests takes a while),
  // next to the last results of the rates this run leaves out.
  const partial = (scale: unknown[]) =>
    writeResult('detector', {
      ...previous,
      scale_date: new Date().toISOString(),
      reference,
      scale: keepOtherRates(previous.scale, scale),
    });
  const measured = args['skip-scale']
    ? undefined
    : await scaleStage(rates, echo, args['scale-only'] ? partial : undefined);
  const scale = measured ? keepOtherRates(previous.scale, measured) : previous.scale;
  if (args['scale-only']) {
    writeResult('detector', { ...previous, scale_date: new Date().toISOString(), reference, scale });
    echo('wrote bench/results/detector.json (scale stage)');
    return;
  }
  const python = findSklearnPython();
  if (!python) echo('scikit-learn not found (apt-get install python3-sklearn): its lines are skipped');
  const run = runners(python);
  echo(
    `detector benchmark: ${FEATURE_NAMES.length} features, ${OPTS.trees} trees, ψ ${OPTS.sampleSize}, seed ${OPTS.seed}`,
  );
  echo('accuracy, seeded set:');
  const seeded = await seededSet();
  const accSeeded = accuracy(seeded, run);
  echo('accuracy, synthetic set:');
  const accSynthetic = accuracy(syntheticSet(SYNTHETIC_ROWS), run);
  const speed: Record<string, unknown> = {};
  for (const n of [10_000, 100_000]) {
    echo(`speed, ${n} rows (fit on all, score all):`);
    speed[String(n)] = timing(n, run);
  }
  const result = {
    benchmark: 'detector',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, load_average: loadavg() },
    note: 'CPU times: user+system of the process (python: process_time); wall times include waiting for a shared CPU.',
    accuracy_sets: {
      seeded: seeded.name,
      synthetic: `${SYNTHETIC_ROWS} rows of scripts/lib/detector-synthetic.ts`,
    },
    config: { ...OPTS, threshold: CFG.threshold, features: FEATURE_NAMES },
    accuracy: { seeded: accSeeded, synthetic: accSynthetic },
    speed,
    ml_isolation_forest_0_1_0: mlIsolationForestCriteria(seeded),
    scale_date: args['skip-scale'] ? previous.scale_date : new Date().toISOString(),
    reference,
    scale,
  };
  writeResult('detector', result);
  echo('wrote bench/results/detector.json');
}

/** The scale results of this run, after the previous run's results at the rates this one left out. */
function keepOtherRates(previous: unknown, measured: readonly unknown[]): unknown[] {
  const rate = (r: unknown) => (r as { requests_per_day?: number }).requests_per_day;
  const now = new Set(measured.map(rate));
  const kept = Array.isArray(previous) ? previous.filter((r) => !now.has(rate(r))) : [];
  return [...kept, ...measured].sort((a, b) => (rate(a) ?? 0) - (rate(b) ?? 0));
}

function echo(line: string): void {
  process.stdout.write(`${line}\n`);
}

function times(r: Timed) {
  return {
    fit_cpu_ms: round(r.fit_cpu_ms, 1),
    score_cpu_ms: round(r.score_cpu_ms, 1),
    fit_wall_ms: round(r.fit_ms, 1),
    score_wall_ms: round(r.score_ms, 1),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v, 4) : v]),
  ) as T;
}

if (isEntryPoint(import.meta.url)) runMain('bench-detector', main);
