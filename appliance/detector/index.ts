/** The detector's public surface: the service for `ja4 up` / `ja4 detector`, and the pieces tests and benchmarks use. */
export { buildDetectorApi } from './api.js';
export { isBaselineRow } from './baseline.js';
export { type CycleResult, type CycleStatus, type DetectorState, newState, runCycle } from './cycle.js';
export { buildDecisions, type Decisions, readDecisions } from './decisions.js';
export * from './errors.js';
export { buildFeatures, FEATURE_NAMES, type FeatureRow } from './features.js';
export {
  averagePathLength,
  fitIsolationForest,
  type IsolationForestModel,
  scoreIsolationForest,
} from './model/isolation-forest.js';
export { loadModel, type SavedModel, saveModel } from './model/serialize.js';
export { rotate } from './rotation.js';
export { createScheduler, type DetectorStatus, type Scheduler } from './scheduler.js';
export { type DetectorHandle, readiness, type StartDetectorOptions, startDetector } from './service.js';
export { type Decision, decide, type Verdict, type VerdictSource } from './verdicts.js';
