import { randomUUID } from 'node:crypto';
import type { ClickHouseClient, Config, Logger } from '../common/index.js';
import { type CycleResult, type DetectorState, restoreState, runCycle } from './cycle.js';
import { CycleBusyError } from './errors.js';
import type { DetectorMetrics } from './metrics.js';
import { type RotationResult, rotate } from './rotation.js';
import { readWatermark } from './store.js';

export interface RunningCycle {
  cycle_id: string;
  started_at: string;
}

export interface DetectorStatus {
  running: RunningCycle | null;
  last_cycle: CycleResult | null;
  /** The last cycle that wrote scores. */
  last_scored_cycle: CycleResult | null;
  last_error: { at: string; cycle_id: string; message: string; code?: string } | null;
  last_rotation: (RotationResult & { at: string }) | null;
  next_cycle_at: string | null;
  interval_minutes: number;
  cycles_run: number;
  /** Whether a cycle waits to start when the running one ends (one at most). */
  queued: boolean;
  /** The model in use (version, when trained, baseline rows) and the ingest watermark reached. */
  model: { version: string; trained_at: string; baseline_rows: number; threshold: number } | null;
  watermark: string | null;
  /** Seconds between checks for new requests (0: interval only). */
  poll_seconds: number;
}

export type TriggerResult =
  | { state: 'started'; cycle_id: string }
  | { state: 'queued' | 'already_queued'; running: RunningCycle };

export interface Scheduler {
  /**
   * Starts a cycle now when none runs; otherwise queues one (`queued`), or reports that one is
   * queued already (`already_queued`). Does not wait for the cycle.
   */
  trigger(): TriggerResult;
  /** Runs one cycle (and rotation) and waits; throws CycleBusyError if one is running. */
  runOnce(): Promise<CycleResult>;
  /** Starts the interval timer (first cycle after `firstDelayMs`). */
  start(firstDelayMs?: number): void;
  status(): DetectorStatus;
  /** Stops the timer and waits for a running cycle to end. */
  stop(): Promise<void>;
}

export interface SchedulerDeps {
  client: ClickHouseClient;
  config: Pick<Config, 'detector' | 'retention' | 'clickhouse'>;
  log: Logger;
  metrics?: DetectorMetrics;
  /** The state cycles carry (tests inject one); restored from model_dir and ml_cycles otherwise. */
  state?: DetectorState;
}

/**
 * Runs cycles one at a time: every detector.interval_minutes, on demand (POST /run, `ja4 detector
 * --once`), and when the poll (every detector.poll_seconds) finds requests that arrived since the
 * last cycle's watermark, so new traffic is scored within about a minute instead of an interval.
 * On-demand requests coalesce: while a cycle runs, the first request queues one more cycle, to
 * start when the running one ends (it then sees the data that arrived meanwhile), and every
 * further request joins that queued cycle. However many requests arrive, at most one cycle runs
 * and one waits. The cycles share one DetectorState (model, watermark), restored on the first.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const run = newRun(deps);
  return {
    trigger: () => trigger(run),
    async runOnce() {
      const running = run.status.running;
      if (running) throw new CycleBusyError(running.cycle_id, running.started_at);
      return launch(run, true).promise;
    },
    start: (firstDelayMs = 0) => start(run, firstDelayMs),
    status: () => structuredClone(run.status),
    stop: () => stop(run),
  };
}

/** What the scheduler's steps share: its inputs, the status it reports, its timers. */
interface Run {
  deps: SchedulerDeps;
  cfg: Config['detector'];
  intervalMs: number;
  status: DetectorStatus;
  detector: DetectorState | undefined;
  /** The running cycle, settled either way (stop awaits it). */
  current: Promise<CycleResult | undefined> | undefined;
  timer: NodeJS.Timeout | undefined;
  poller: NodeJS.Timeout | undefined;
  lastEnd: number;
  stopped: boolean;
  fail: (err: unknown) => void;
}

function newRun(deps: SchedulerDeps): Run {
  const cfg = deps.config.detector;
  return {
    deps,
    cfg,
    intervalMs: cfg.interval_minutes * 60_000,
    status: initialStatus(cfg),
    detector: deps.state,
    current: undefined,
    timer: undefined,
    poller: undefined,
    lastEnd: 0,
    stopped: false,
    fail: (err: unknown) => deps.log.error({ err }, 'detector cycle failed'),
  };
}

function trigger(run: Run): TriggerResult {
  const { status } = run;
  if (status.running) {
    const was = status.queued;
    status.queued = true;
    return { state: was ? 'already_queued' : 'queued', running: status.running };
  }
  const { cycleId, promise } = launch(run, true);
  promise.catch(run.fail);
  return { state: 'started', cycle_id: cycleId };
}

function start(run: Run, firstDelayMs: number): void {
  run.stopped = false;
  schedule(run, firstDelayMs);
  if (run.cfg.poll_seconds > 0) {
    run.poller = setInterval(() => void poll(run), run.cfg.poll_seconds * 1000);
    run.poller.unref?.();
  }
}

async function stop(run: Run): Promise<void> {
  run.stopped = true;
  run.status.queued = false;
  if (run.timer) clearTimeout(run.timer);
  if (run.poller) clearInterval(run.poller);
  run.status.next_cycle_at = null;
  await run.current;
}

function launch(run: Run, onDemand = false): { cycleId: string; promise: Promise<CycleResult> } {
  const cycleId = randomUUID();
  const promise = execute(run, cycleId, onDemand);
  run.current = promise.catch(() => undefined);
  return { cycleId, promise };
}

async function execute(run: Run, cycleId: string, onDemand: boolean): Promise<CycleResult> {
  const started = new Date();
  run.status.running = { cycle_id: cycleId, started_at: started.toISOString() };
  try {
    return await cycleAndRotate(run, started, cycleId, onDemand);
  } catch (err) {
    recordFailure(run, cycleId, err);
    throw err;
  } finally {
    endCycle(run);
  }
}

async function cycleAndRotate(run: Run, started: Date, cycleId: string, onDemand: boolean) {
  const { deps, status } = run;
  run.detector ??= await restoreState(deps, started);
  const result = await runCycle({
    client: deps.client,
    config: deps.config,
    log: deps.log,
    now: started,
    cycleId,
    state: run.detector,
    onDemand,
  });
  status.last_cycle = result;
  if (result.status === 'ok' || result.scored > 0) status.last_scored_cycle = result;
  deps.metrics?.observe(result);
  const rotation = await rotate(deps.client, deps.config, deps.log);
  status.last_rotation = { ...rotation, at: new Date().toISOString() };
  return result;
}

function recordFailure(run: Run, cycleId: string, err: unknown): void {
  const e = err as { message?: string; code?: string };
  run.status.last_error = {
    at: new Date().toISOString(),
    cycle_id: cycleId,
    message: e?.message ?? String(err),
    code: e?.code,
  };
  run.deps.metrics?.failed();
}

function endCycle(run: Run): void {
  const { status } = run;
  status.cycles_run++;
  status.running = null;
  run.lastEnd = Date.now();
  describeModel(status, run.detector);
  // The queued cycle starts in the same turn, so no request can slip a third one in between.
  if (status.queued && !run.stopped) {
    status.queued = false;
    launch(run, true).promise.catch(run.fail);
  }
}

function schedule(run: Run, delayMs: number): void {
  if (run.stopped) return;
  run.status.next_cycle_at = new Date(Date.now() + delayMs).toISOString();
  run.timer = setTimeout(() => {
    if (!run.status.running) launch(run).promise.catch(run.fail);
    else
      run.deps.log.warn(
        { running: run.status.running },
        'previous cycle still running; interval tick skipped',
      );
    schedule(run, run.intervalMs);
  }, delayMs);
  run.timer.unref?.();
}

/** The cheap check: did any request arrive since the watermark? Then an incremental cycle. */
async function poll(run: Run): Promise<void> {
  const { cfg, status } = run;
  if (run.stopped || status.running || Date.now() - run.lastEnd < cfg.min_cycle_gap_seconds * 1000) return;
  const from = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - (cfg.window_hours - 1) * 3_600_000);
  const since = run.detector?.watermark ?? -1;
  try {
    if ((await readWatermark(run.deps.client, from, since)) !== undefined && !status.running && !run.stopped)
      launch(run).promise.catch(run.fail);
  } catch (err) {
    run.deps.log.debug({ err }, 'detector poll failed');
  }
}

function initialStatus(cfg: Config['detector']): DetectorStatus {
  return {
    running: null,
    last_cycle: null,
    last_scored_cycle: null,
    last_error: null,
    last_rotation: null,
    next_cycle_at: null,
    interval_minutes: cfg.interval_minutes,
    cycles_run: 0,
    queued: false,
    model: null,
    watermark: null,
    poll_seconds: cfg.poll_seconds,
  };
}

function describeModel(state: DetectorStatus, detector: DetectorState | undefined): void {
  const m = detector?.model;
  state.model = m
    ? {
        version: m.version,
        trained_at: m.trainedAt.toISOString(),
        baseline_rows: m.baselineRows,
        threshold: m.threshold,
      }
    : null;
  state.watermark = detector?.watermark !== undefined ? new Date(detector.watermark).toISOString() : null;
}
