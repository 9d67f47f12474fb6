import type { ClickHouseClient, Config, Logger } from '../common/index.js';
import type { ScoreEnv } from './cycle-score.js';
import type { Ja4Context } from './features.js';
import type { TrainedModel } from './model-state.js';

/** What a detector cycle is asked, carries and answers (cycle.ts runs it, cycle-log.ts records it). */

export type CycleStatus = 'ok' | 'no_rows' | 'no_new_data' | 'insufficient_baseline' | 'failed';
export type CycleKind = 'full' | 'incremental' | 'rescore';

export interface CycleResult {
  cycle_id: string;
  kind: CycleKind;
  status: CycleStatus;
  /** Why the cycle wrote nothing or scored without a model, or failed. */
  reason?: string;
  started_at: string;
  finished_at: string;
  window_from: string;
  window_to: string;
  /** Feature rows read (the window on a full cycle, the changed rows on an incremental one). */
  rows: number;
  baseline_rows: number;
  min_baseline: number;
  scored: number;
  /** Rows written to ml_all_scores (scored rows that changed, and carried anomalies). */
  rows_written: number;
  anomalies: number;
  carried: number;
  threshold?: number;
  model_version?: string;
  model_trained_at?: string;
  model_file?: string;
  /** The newest ingest_time scored (ISO), where the next incremental cycle starts. */
  watermark?: string;
  durations_ms: { read: number; train: number; score: number; write: number; total: number };
}

/**
 * What the detector carries from one cycle to the next: the model, the ingest watermark, and how
 * many new baseline rows arrived since the model was trained (and how many of them it scores as
 * anomalous: the drift that makes it train again).
 */
export interface DetectorState {
  model?: TrainedModel;
  watermark?: number;
  /** Baseline rows in the window at the last full cycle plus new baseline rows since. */
  baselineSeen: number;
  /** New baseline rows since the model was trained, and those it scored at or above the threshold. */
  newBaseline: number;
  driftHits: number;
  restored: boolean;
  /** The analyst decisions the last cycle applied: when they change, the window is rescored. */
  decisionsDigest?: string;
  /** The window's JA4 context as last read (wall-clock ms), reused by incremental cycles for a while. */
  context?: { at: number; from: number; value: Ja4Context };
}

export interface CycleDeps {
  client: ClickHouseClient;
  config: Pick<Config, 'detector'>;
  log: Logger;
  /** The cycle's clock (tests pass a fixed time). */
  now?: Date;
  cycleId?: string;
  /** Carried between cycles by the scheduler; restored from model_dir and ml_cycles when absent. */
  state?: DetectorState;
  /** Force a full cycle (train and score the window) or let the state decide. */
  kind?: CycleKind | 'auto';
  /**
   * Asked for (POST /run, --once): a cycle that would only look at new requests judges the whole
   * window again instead (with the current model; only changed rows are written), so "run now"
   * always re-evaluates, even when nothing arrived since the last cycle.
   */
  onDemand?: boolean;
  /** DNS for crawler verification (tests inject one); the system resolver by default. */
  resolver?: ScoreEnv['resolver'] | null;
}

export function newState(): DetectorState {
  return { baselineSeen: 0, newBaseline: 0, driftHits: 0, restored: false };
}
