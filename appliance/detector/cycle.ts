import { randomUUID } from 'node:crypto';
import type { Config } from '../common/index.js';
import { logCycle, readLastCycle } from './cycle-log.js';
import { writeAll, writeChanged } from './cycle-persist.js';
import { prepare, type Scored, type ScoreEnv, scoreRows } from './cycle-score.js';
import type { CycleDeps, CycleKind, CycleResult, DetectorState } from './cycle-types.js';
import { newState } from './cycle-types.js';
import { type CycleStamp, rowKey } from './cycle-write.js';
import { type Decisions, readDecisions } from './decisions.js';
import { loadTrained, SIGNALS_ONLY, saveTrained } from './model-state.js';
import { chTime, readFeatureRows, readJa4Context, readPreviousScores, readWatermark } from './store.js';
import { readFamilyTable } from './tls-family.js';
import { trainModel } from './train.js';
import { systemResolver } from './verified-bots.js';

export {
  type CycleDeps,
  type CycleKind,
  type CycleResult,
  type CycleStatus,
  type DetectorState,
  newState,
} from './cycle-types.js';

/**
 * How long incremental cycles reuse the window's JA4 context (per host and JA4: requests, addresses,
 * user agents): it moves slowly, and reading it scans the whole window's rollup (millions of rows
 * at 100M requests a day), which would otherwise dominate every minute's cycle.
 */
const CONTEXT_TTL_MS = 10 * 60_000;

/** Drift: at least this many new baseline rows, this share of them anomalous to the model. */
const DRIFT_MIN_ROWS = 20;
const DRIFT_SHARE = 0.25;

/**
 * One cycle. A full cycle trains a model on the window's baseline (when it is large enough) and
 * scores every row of the window; an incremental cycle scores only the rows with requests that
 * arrived since the last cycle's watermark, with the current model. Resolves with the result for
 * every outcome except a ClickHouse failure, which throws.
 */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const cfg = deps.config.detector;
  const now = deps.now ?? new Date();
  const t0 = performance.now();
  const to = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const from = new Date(to.getTime() - cfg.window_hours * 3_600_000);
  const state = deps.state ?? (await restoreState(deps, now));
  const decisions = await readDecisions(deps.client);
  let kind = chooseKind(state, cfg, now, deps.kind ?? 'auto');
  // New analyst decisions apply to rows that did not change, and a cycle asked for re-evaluates:
  // every row of the window is judged again (only changed rows are written).
  const decided = state.decisionsDigest !== undefined && state.decisionsDigest !== decisions.digest;
  if (kind === 'incremental' && (decided || deps.onDemand)) kind = 'rescore';
  const result = newResult(deps.cycleId ?? randomUUID(), kind, now, from, to, cfg.min_baseline);
  const log = deps.log.child({ cycle_id: result.cycle_id, kind });
  const env = () => readEnv(deps, decisions, from, to, kind === 'full' ? undefined : state);
  if (kind === 'full') await fullCycle(deps, env, state, result, { from, to, now });
  else await incrementalCycle(deps, env, state, result, { from, to, now, all: kind === 'rescore' });
  state.decisionsDigest = decisions.digest;
  result.durations_ms.total = Math.round(performance.now() - t0);
  result.finished_at = new Date(now.getTime() + result.durations_ms.total).toISOString();
  await logCycle(deps.client, result);
  log.info(
    {
      status: result.status,
      rows: result.rows,
      written: result.rows_written,
      anomalies: result.anomalies,
      durations_ms: result.durations_ms,
    },
    'detector cycle done',
  );
  return result;
}

function newResult(
  id: string,
  kind: CycleKind,
  now: Date,
  from: Date,
  to: Date,
  minBaseline: number,
): CycleResult {
  return {
    cycle_id: id,
    kind,
    status: 'ok',
    started_at: now.toISOString(),
    finished_at: '',
    window_from: from.toISOString(),
    window_to: to.toISOString(),
    rows: 0,
    baseline_rows: 0,
    min_baseline: minBaseline,
    scored: 0,
    rows_written: 0,
    anomalies: 0,
    carried: 0,
    durations_ms: { read: 0, train: 0, score: 0, write: 0, total: 0 },
  };
}

/** A fresh detector continues from the saved model and the last cycle's watermark when they match. */
export async function restoreState(
  deps: Pick<CycleDeps, 'client' | 'config'>,
  now: Date,
): Promise<DetectorState> {
  const state = newState();
  state.restored = true;
  const cfg = deps.config.detector;
  const model = cfg.model_dir ? loadTrained(cfg.model_dir) : undefined;
  if (!model || now.getTime() - model.trainedAt.getTime() >= cfg.retrain_hours * 3_600_000) return state;
  const last = await readLastCycle(deps.client);
  if (last?.model_version !== model.version) return state;
  state.model = model;
  state.watermark = last.watermark;
  state.baselineSeen = model.baselineRows;
  return state;
}

export function chooseKind(
  state: DetectorState,
  cfg: Config['detector'],
  now: Date,
  asked: CycleKind | 'auto',
): CycleKind {
  if (asked !== 'auto') return asked;
  if (state.watermark === undefined) return 'full';
  const m = state.model;
  if (!m) return state.baselineSeen >= cfg.min_baseline ? 'full' : 'incremental';
  if (now.getTime() - m.trainedAt.getTime() >= cfg.retrain_hours * 3_600_000) return 'full';
  if (state.newBaseline >= Math.max(m.baselineRows, cfg.min_baseline)) return 'full';
  if (state.newBaseline >= DRIFT_MIN_ROWS && state.driftHits / state.newBaseline > DRIFT_SHARE) return 'full';
  return 'incremental';
}

async function readEnv(
  deps: CycleDeps,
  decisions: Decisions,
  from: Date,
  to: Date,
  reuse?: DetectorState,
): Promise<ScoreEnv> {
  const cfg = deps.config.detector;
  const cached = reuse?.context;
  const fresh = cached && cached.from === from.getTime() && Date.now() - cached.at < CONTEXT_TTL_MS;
  const ctx = fresh ? cached.value : await readJa4Context(deps.client, from, to);
  if (reuse && !fresh) reuse.context = { at: Date.now(), from: from.getTime(), value: ctx };
  const resolver =
    deps.resolver === null
      ? undefined
      : (deps.resolver ?? (cfg.verify_crawlers ? systemResolver(cfg.dns_timeout_ms) : undefined));
  return {
    ctx,
    families: await readFamilyTable(deps.client),
    decisions,
    resolver,
  };
}

interface Window {
  from: Date;
  to: Date;
  now: Date;
  /** Rescore: read every row of the window, not only the changed ones. */
  all?: boolean;
}

type EnvReader = () => Promise<ScoreEnv>;

async function fullCycle(
  deps: CycleDeps,
  readEnvNow: EnvReader,
  state: DetectorState,
  result: CycleResult,
  w: Window,
): Promise<void> {
  const cfg = deps.config.detector;
  let t = performance.now();
  const until = await readWatermark(deps.client, w.from, -1);
  const rows = await readFeatureRows(deps.client, w.from, w.to);
  result.rows = rows.length;
  result.durations_ms.read = Math.round(performance.now() - t);
  if (rows.length === 0) {
    result.status = 'no_rows';
    result.reason = `no feature rows between ${result.window_from} and ${result.window_to}`;
    if (until !== undefined) state.watermark = until;
    return;
  }
  const env = await readEnvNow();
  t = performance.now();
  const prep = prepare(rows, env);
  const baseline = prep.context.flatMap((c, i) => (c.member ? [i] : []));
  result.baseline_rows = baseline.length;
  state.baselineSeen = baseline.length;
  if (baseline.length >= cfg.min_baseline) {
    state.model = trainModel(prep.matrix, baseline, cfg, w.now);
    if (cfg.model_dir) result.model_file = await saveTrained(cfg.model_dir, state.model);
  } else {
    result.status = 'insufficient_baseline';
    result.reason =
      `${baseline.length} baseline rows (coherent browsers, no known-bot label) in the window, below ` +
      `detector.min_baseline = ${cfg.min_baseline}; ${state.model ? 'kept the previous model' : 'verdicts from explicit signals only'}`;
  }
  result.durations_ms.train = Math.round(performance.now() - t);
  const scored = await timedScore(rows, prep, state, env, result);
  await writeAll(deps.client, scored, stampOf(result, state, w.now), result, w);
  state.watermark = until ?? state.watermark ?? w.now.getTime();
  result.watermark = new Date(state.watermark).toISOString();
  state.newBaseline = 0;
  state.driftHits = 0;
}

async function timedScore(
  rows: Parameters<typeof scoreRows>[0],
  prep: ReturnType<typeof prepare>,
  state: DetectorState,
  env: ScoreEnv,
  result: CycleResult,
): Promise<Scored[]> {
  const t = performance.now();
  const scored = await scoreRows(rows, prep, state.model, env);
  result.scored = scored.length;
  result.threshold = state.model?.threshold;
  result.model_version = state.model?.version ?? SIGNALS_ONLY;
  result.model_trained_at = state.model?.trainedAt.toISOString();
  result.durations_ms.score = Math.round(performance.now() - t);
  return scored;
}

function stampOf(result: CycleResult, state: DetectorState, now: Date): CycleStamp {
  return {
    cycleId: result.cycle_id,
    at: chTime(now),
    modelVersion: state.model?.version ?? SIGNALS_ONLY,
    threshold: state.model?.threshold ?? 1,
  };
}

async function incrementalCycle(
  deps: CycleDeps,
  readEnvNow: EnvReader,
  state: DetectorState,
  result: CycleResult,
  w: Window,
): Promise<void> {
  let t = performance.now();
  const newest = await readWatermark(deps.client, w.from, state.watermark ?? -1);
  const until = newest ?? (w.all ? state.watermark : undefined);
  const since = (state.watermark ?? 0) - deps.config.detector.ingest_margin_seconds * 1000;
  if (until === undefined) {
    result.status = 'no_new_data';
    result.reason = 'no request arrived since the last cycle';
    result.model_version = state.model?.version ?? SIGNALS_ONLY;
    return;
  }
  const rows = await readFeatureRows(deps.client, w.from, w.to, w.all ? undefined : { since, until });
  const env = await readEnvNow();
  result.rows = rows.length;
  result.durations_ms.read = Math.round(performance.now() - t);
  t = performance.now();
  const prep = prepare(rows, env);
  const scored = await timedScore(rows, prep, state, env, result);
  if (!state.model) result.status = 'insufficient_baseline';
  const stamp = stampOf(result, state, w.now);
  const hours = [...new Set(rows.map((r) => r.hour))];
  const previous = await readPreviousScores(
    deps.client,
    stamp.modelVersion,
    hours,
    rows.map((r) => r.src_ip),
  );
  trackBaseline(state, scored, previous);
  result.baseline_rows = scored.filter((s) => s.baseline.member).length;
  await writeChanged(deps.client, scored, previous, stamp, result);
  result.durations_ms.write = Math.round(performance.now() - t) - result.durations_ms.score;
  state.watermark = Math.max(until, state.watermark ?? 0);
  result.watermark = new Date(state.watermark).toISOString();
}

function trackBaseline(state: DetectorState, scored: Scored[], previous: Map<string, unknown>): void {
  for (const s of scored) {
    if (!s.baseline.member || previous.has(rowKey(s.row))) continue;
    state.baselineSeen++;
    state.newBaseline++;
    if (state.model && s.score >= state.model.threshold) state.driftHits++;
  }
}
