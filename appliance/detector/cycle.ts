import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClickHouseClient, Config, Logger } from '../common/index.js';
import { buildFeatures, FEATURE_NAMES, type FeatureRow, featureRecord, isBaselineRow } from './features.js';
import { featureBounds, fitIsolationForest, scoreIsolationForest } from './model/isolation-forest.js';
import { selectRows } from './model/matrix.js';
import { saveModel } from './model/serialize.js';
import { baselineStats, explainRow, formatReasons } from './reasons.js';
import {
  type AnomalyRow,
  chTime,
  insertRows,
  type Recurrence,
  readFeatureRows,
  readRecurrence,
  type ScoreRow,
} from './store.js';

export type CycleStatus = 'ok' | 'no_rows' | 'insufficient_baseline' | 'failed';

export interface CycleResult {
  cycle_id: string;
  status: CycleStatus;
  /** Why the cycle wrote nothing (insufficient baseline, no rows) or failed. */
  reason?: string;
  started_at: string;
  finished_at: string;
  window_from: string;
  window_to: string;
  rows: number;
  baseline_rows: number;
  min_baseline: number;
  scored: number;
  anomalies: number;
  threshold?: number;
  model_version?: string;
  model_file?: string;
  durations_ms: { read: number; train: number; score: number; write: number; total: number };
}

export interface CycleDeps {
  client: ClickHouseClient;
  config: Pick<Config, 'detector'>;
  log: Logger;
  /** The cycle's clock (tests pass a fixed time). */
  now?: Date;
  cycleId?: string;
}

/**
 * One scoring cycle: read the window's feature rows, train an Isolation Forest on the human
 * baseline, score every row, write all scores and the anomalies (with reasons) back. Resolves with
 * the result for every outcome except a ClickHouse failure, which throws.
 */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const cfg = deps.config.detector;
  const started = deps.now ?? new Date();
  const t0 = performance.now();
  const to = new Date(Math.floor(started.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const from = new Date(to.getTime() - cfg.window_hours * 3_600_000);
  const result: CycleResult = {
    cycle_id: deps.cycleId ?? randomUUID(),
    status: 'ok',
    started_at: started.toISOString(),
    finished_at: '',
    window_from: from.toISOString(),
    window_to: to.toISOString(),
    rows: 0,
    baseline_rows: 0,
    min_baseline: cfg.min_baseline,
    scored: 0,
    anomalies: 0,
    durations_ms: { read: 0, train: 0, score: 0, write: 0, total: 0 },
  };
  const log = deps.log.child({ cycle_id: result.cycle_id });
  const finish = () => {
    result.durations_ms.total = Math.round(performance.now() - t0);
    result.finished_at = new Date(started.getTime() + result.durations_ms.total).toISOString();
    return result;
  };

  const rows = await readFeatureRows(deps.client, from, to);
  result.rows = rows.length;
  const baseline: number[] = [];
  for (let i = 0; i < rows.length; i++) if (isBaselineRow(rows[i])) baseline.push(i);
  result.baseline_rows = baseline.length;
  result.durations_ms.read = Math.round(performance.now() - t0);
  if (rows.length === 0) {
    result.status = 'no_rows';
    result.reason = `no feature rows between ${result.window_from} and ${result.window_to}`;
    log.info({ reason: result.reason }, 'detector cycle skipped');
    return finish();
  }
  if (baseline.length < cfg.min_baseline) {
    // Baseline guard: a forest grown on a handful of rows would call most humans anomalous.
    result.status = 'insufficient_baseline';
    result.reason =
      `${baseline.length} human baseline rows (ASN labelled human, no known-bot label) in the window, ` +
      `below detector.min_baseline = ${cfg.min_baseline}; not training, no scores written`;
    log.warn(
      { baseline_rows: baseline.length, min_baseline: cfg.min_baseline },
      'baseline too small; cycle skipped',
    );
    return finish();
  }

  const tTrain = performance.now();
  const { matrix, facts } = buildFeatures(rows);
  const baseMatrix = selectRows(matrix, baseline);
  const model = fitIsolationForest(baseMatrix, {
    trees: cfg.trees,
    sampleSize: cfg.sample_size,
    seed: cfg.seed,
    splitRange: cfg.split_range === 'window' ? 'bounds' : 'sample',
    // The box is the window's own rows: cuts can fall where bots are and humans are not.
    bounds: featureBounds(matrix),
  });
  const stats = baselineStats(baseMatrix);
  const modelVersion = `iforest-${model.trees}x${model.sampleSize}-s${model.seed}-${compactTime(started)}`;
  result.model_version = modelVersion;
  result.durations_ms.train = Math.round(performance.now() - tTrain);

  const tScore = performance.now();
  const scores = scoreIsolationForest(model, matrix);
  const threshold = cfg.contamination > 0 ? quantile(scores, 1 - cfg.contamination) : cfg.threshold;
  result.threshold = threshold;
  const scoredAt = chTime(started);
  const scoreRows: ScoreRow[] = new Array(rows.length);
  const anomalies: AnomalyRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const features = featureRecord(matrix, i);
    const isAnomaly = scores[i] >= threshold;
    scoreRows[i] = {
      scored_at: scoredAt,
      cycle_id: result.cycle_id,
      model_version: modelVersion,
      hour: r.hour,
      host: r.host,
      src_ip: r.src_ip,
      ja4: r.ja4,
      score: scores[i],
      threshold,
      is_anomaly: isAnomaly,
      requests: r.requests,
      asn: r.asn,
      asn_label: r.asn_label,
      bot_ip_label: r.bot_ip_label,
      bot_ja4_label: r.bot_ja4_label,
      features,
    };
    if (isAnomaly)
      anomalies.push(anomalyRow(scoreRows[i], r, formatReasons(explainRow(matrix, i, r, facts[i], stats))));
  }
  // Recurrence is read before this cycle's anomalies are written, so it counts earlier flags only.
  const recurrence = await readRecurrence(
    deps.client,
    anomalies.map((a) => a.src_ip),
  );
  for (const a of anomalies) a.reason = withRecurrence(a.reason, recurrence.get(a.src_ip), a.hour);
  result.scored = rows.length;
  result.anomalies = anomalies.length;
  result.durations_ms.score = Math.round(performance.now() - tScore);

  const tWrite = performance.now();
  await insertRows(deps.client, 'ml_all_scores', scoreRows);
  if (anomalies.length > 0) await insertRows(deps.client, 'ml_detected_anomalies', anomalies);
  if (cfg.model_dir) {
    result.model_file = await writeModelFile(cfg.model_dir, modelVersion, {
      ...saveModel(model, {
        modelVersion,
        featureNames: [...FEATURE_NAMES],
        trainedAt: started,
        meta: {
          threshold,
          baseline_rows: baseline.length,
          baseline_median: stats.median,
          baseline_scale: stats.scale,
        },
      }),
    });
  }
  result.durations_ms.write = Math.round(performance.now() - tWrite);
  finish();
  log.info(
    {
      rows: result.rows,
      baseline_rows: result.baseline_rows,
      anomalies: result.anomalies,
      threshold,
      model_version: modelVersion,
      durations_ms: result.durations_ms,
    },
    'detector cycle done',
  );
  return result;
}

function anomalyRow(s: ScoreRow, r: FeatureRow, reason: string): AnomalyRow {
  return {
    detected_at: s.scored_at,
    hour: s.hour,
    host: s.host,
    src_ip: s.src_ip,
    ja4: s.ja4,
    score: s.score,
    threshold: s.threshold,
    cycle_id: s.cycle_id,
    model_version: s.model_version,
    requests: s.requests,
    asn: s.asn,
    asn_name: r.asn_name,
    asn_label: s.asn_label,
    bot_ip_label: s.bot_ip_label,
    bot_ja4_label: s.bot_ja4_label,
    top_user_agent: r.top_user_agent,
    reason,
    features: s.features,
  };
}

function withRecurrence(reason: string, rec: Recurrence | undefined, hour: string): string {
  if (!rec || rec.hours_flagged === 0 || (rec.hours_flagged === 1 && rec.first_flagged === hour))
    return reason;
  const days = rec.days_flagged === 1 ? '1 day' : `${rec.days_flagged} days`;
  const text = `IP already flagged in ${rec.hours_flagged} hour(s) over ${days} since ${rec.first_flagged.slice(0, 10)}`;
  return reason ? `${reason}; ${text}` : text;
}

/** The value below which a share `q` of the scores lie (nearest rank). */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return 1;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function compactTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Saved models kept in model_dir besides latest.json (one per cycle otherwise piles up). */
const MODELS_KEPT = 5;

/**
 * Writes <dir>/<version>.json and latest.json (write, then rename: never half a file), and removes
 * all but the newest MODELS_KEPT versions (their names sort by training time).
 */
async function writeModelFile(dir: string, version: string, saved: object): Promise<string> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const file = join(abs, `${version}.json`);
  const body = JSON.stringify(saved);
  await writeFile(`${file}.tmp`, body);
  await rename(`${file}.tmp`, file);
  await writeFile(join(abs, 'latest.json.tmp'), body);
  await rename(join(abs, 'latest.json.tmp'), join(abs, 'latest.json'));
  // Names end in the training time (…-20261121T201500Z.json): sort on it, whatever the prefix.
  const stamp = (f: string) => f.slice(f.lastIndexOf('-') + 1);
  const versions = (await readdir(abs))
    .filter((f) => f.startsWith('iforest-') && f.endsWith('.json'))
    .sort((a, b) => (stamp(a) < stamp(b) ? -1 : stamp(a) > stamp(b) ? 1 : 0));
  for (const old of versions.slice(0, -MODELS_KEPT)) await rm(join(abs, old), { force: true });
  return file;
}
