import { randomUUID } from 'node:crypto';
import type { ClickHouseClient, Config, Logger } from '../common/index.js';
import { type CycleResult, runCycle } from './cycle.js';
import { CycleBusyError } from './errors.js';
import type { DetectorMetrics } from './metrics.js';
import { type RotationResult, rotate } from './rotation.js';

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
}

/**
 * Runs cycles one at a time: every detector.interval_minutes, and on demand (POST /run,
 * `ja4 detector --once`). On-demand requests coalesce: while a cycle runs, the first request
 * queues one more cycle, to start when the running one ends (it then sees the data that arrived
 * meanwhile), and every further request joins that queued cycle. However many requests arrive,
 * at most one cycle runs and one waits.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const intervalMs = deps.config.detector.interval_minutes * 60_000;
  const state: DetectorStatus = {
    running: null,
    last_cycle: null,
    last_scored_cycle: null,
    last_error: null,
    last_rotation: null,
    next_cycle_at: null,
    interval_minutes: deps.config.detector.interval_minutes,
    cycles_run: 0,
    queued: false,
  };
  let current: Promise<CycleResult | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const execute = async (cycleId: string): Promise<CycleResult> => {
    const started = new Date();
    state.running = { cycle_id: cycleId, started_at: started.toISOString() };
    try {
      const result = await runCycle({
        client: deps.client,
        config: deps.config,
        log: deps.log,
        now: started,
        cycleId,
      });
      state.last_cycle = result;
      if (result.status === 'ok') state.last_scored_cycle = result;
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
      // The queued cycle starts in the same turn, so no request can slip a third one in between.
      if (state.queued && !stopped) {
        state.queued = false;
        launch().promise.catch((err) => deps.log.error({ err }, 'detector cycle failed'));
      }
    }
  };

  const launch = (): { cycleId: string; promise: Promise<CycleResult> } => {
    const cycleId = randomUUID();
    const promise = execute(cycleId);
    current = promise.catch(() => undefined);
    return { cycleId, promise };
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    state.next_cycle_at = new Date(Date.now() + delayMs).toISOString();
    timer = setTimeout(() => {
      if (!state.running) {
        launch().promise.catch((err) => deps.log.error({ err }, 'detector cycle failed'));
      } else {
        deps.log.warn({ running: state.running }, 'previous cycle still running; interval tick skipped');
      }
      schedule(intervalMs);
    }, delayMs);
    timer.unref?.();
  };

  return {
    trigger() {
      if (state.running) {
        const was = state.queued;
        state.queued = true;
        return { state: was ? 'already_queued' : 'queued', running: state.running };
      }
      const { cycleId, promise } = launch();
      promise.catch((err) => deps.log.error({ err }, 'detector cycle failed'));
      return { state: 'started', cycle_id: cycleId };
    },
    async runOnce() {
      if (state.running) throw new CycleBusyError(state.running.cycle_id, state.running.started_at);
      return launch().promise;
    },
    start(firstDelayMs = 0) {
      stopped = false;
      schedule(firstDelayMs);
    },
    status: () => structuredClone(state),
    async stop() {
      stopped = true;
      state.queued = false;
      if (timer) clearTimeout(timer);
      state.next_cycle_at = null;
      await current;
    },
  };
}
