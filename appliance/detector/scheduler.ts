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
  const cfg = deps.config.detector;
  const intervalMs = cfg.interval_minutes * 60_000;
  const state = initialStatus(cfg);
  let detector: DetectorState | undefined = deps.state;
  let current: Promise<CycleResult | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let poller: NodeJS.Timeout | undefined;
  let lastEnd = 0;
  let stopped = false;
  const fail = (err: unknown) => deps.log.error({ err }, 'detector cycle failed');

  const execute = async (cycleId: string, onDemand: boolean): Promise<CycleResult> => {
    const started = new Date();
    state.running = { cycle_id: cycleId, started_at: started.toISOString() };
    try {
      detector ??= await restoreState(deps, started);
      const result = await runCycle({
        client: deps.client,
        config: deps.config,
        log: deps.log,
        now: started,
        cycleId,
        state: detector,
        onDemand,
      });
      state.last_cycle = result;
      if (result.status === 'ok' || result.scored > 0) state.last_scored_cycle = result;
      deps.metrics?.observe(result);
      const rotation = await rotate(deps.client, deps.config, deps.log);
      state.last_rotation = { ...rotation, at: new Date().toISOString() };
      return result;
    } catch (err) {
      const e = err as { message?: string; code?: string };
      state.last_error = {
        at: new Date().toISOString(),
        cycle_id: cycleId,
        message: e?.message ?? String(err),
        code: e?.code,
      };
      deps.metrics?.failed();
      throw err;
    } finally {
      state.cycles_run++;
      state.running = null;
      lastEnd = Date.now();
      describeModel(state, detector);
      // The queued cycle starts in the same turn, so no request can slip a third one in between.
      if (state.queued && !stopped) {
        state.queued = false;
        launch(true).promise.catch(fail);
      }
    }
  };

  const launch = (onDemand = false): { cycleId: string; promise: Promise<CycleResult> } => {
    const cycleId = randomUUID();
    const promise = execute(cycleId, onDemand);
    current = promise.catch(() => undefined);
    return { cycleId, promise };
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    state.next_cycle_at = new Date(Date.now() + delayMs).toISOString();
    timer = setTimeout(() => {
      if (!state.running) launch().promise.catch(fail);
      else deps.log.warn({ running: state.running }, 'previous cycle still running; interval tick skipped');
      schedule(intervalMs);
    }, delayMs);
    timer.unref?.();
  };

  /** The cheap check: did any request arrive since the watermark? Then an incremental cycle. */
  const poll = async () => {
    if (stopped || state.running || Date.now() - lastEnd < cfg.min_cycle_gap_seconds * 1000) return;
    const from = new Date(
      Math.floor(Date.now() / 3_600_000) * 3_600_000 - (cfg.window_hours - 1) * 3_600_000,
    );
    const since = detector?.watermark ?? -1;
    try {
      if ((await readWatermark(deps.client, from, since)) !== undefined && !state.running && !stopped)
        launch().promise.catch(fail);
    } catch (err) {
      deps.log.debug({ err }, 'detector poll failed');
    }
  };

  return {
    trigger() {
      if (state.running) {
        const was = state.queued;
        state.queued = true;
        return { state: was ? 'already_queued' : 'queued', running: state.running };
      }
      const { cycleId, promise } = launch(true);
      promise.catch(fail);
      return { state: 'started', cycle_id: cycleId };
    },
    async runOnce() {
      if (state.running) throw new CycleBusyError(state.running.cycle_id, state.running.started_at);
      return launch(true).promise;
    },
    start(firstDelayMs = 0) {
      stopped = false;
      schedule(firstDelayMs);
      if (cfg.poll_seconds > 0) {
        poller = setInterval(() => void poll(), cfg.poll_seconds * 1000);
        poller.unref?.();
      }
    },
    status: () => structuredClone(state),
    async stop() {
      stopped = true;
      state.queued = false;
      if (timer) clearTimeout(timer);
      if (poller) clearInterval(poller);
      state.next_cycle_at = null;
      await current;
    },
  };
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
