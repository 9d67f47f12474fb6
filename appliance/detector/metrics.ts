import { Counter, Gauge, Histogram, type Registry } from '../common/index.js';
import type { CycleResult } from './cycle.js';

/** The detector's Prometheus metrics (ja4_detector_*), registered on the service's registry. */
export interface DetectorMetrics {
  observe(result: CycleResult): void;
  failed(): void;
}

export function createDetectorMetrics(registry: Registry): DetectorMetrics {
  const cycles = new Counter({
    name: 'ja4_detector_cycles_total',
    help: 'Detector cycles by outcome (ok, no_rows, insufficient_baseline, failed)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const rowsScored = new Counter({
    name: 'ja4_detector_rows_scored_total',
    help: 'Feature rows scored and written to ml_all_scores',
    registers: [registry],
  });
  const anomalies = new Counter({
    name: 'ja4_detector_anomalies_total',
    help: 'Rows written to ml_detected_anomalies',
    registers: [registry],
  });
  const baseline = new Gauge({
    name: 'ja4_detector_baseline_rows',
    help: 'Human baseline rows in the last cycle',
    registers: [registry],
  });
  const lastAnomalies = new Gauge({
    name: 'ja4_detector_last_cycle_anomalies',
    help: 'Anomalies found by the last cycle',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'ja4_detector_last_success_timestamp_seconds',
    help: 'When the last cycle that wrote scores finished',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ja4_detector_cycle_duration_seconds',
    help: 'Cycle duration by step (read, train, score, write, total)',
    labelNames: ['step'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    observe(r) {
      cycles.inc({ status: r.status });
      baseline.set(r.baseline_rows);
      if (r.status !== 'ok') return;
      rowsScored.inc(r.scored);
      anomalies.inc(r.anomalies);
      lastAnomalies.set(r.anomalies);
      lastSuccess.set(Date.parse(r.finished_at) / 1000);
      for (const [step, ms] of Object.entries(r.durations_ms)) duration.observe({ step }, ms / 1000);
    },
    failed() {
      cycles.inc({ status: 'failed' });
    },
  };
}
