import type { ServiceReport } from '../../api/status.js';
import type { DetectorLink } from '../detector-link.js';
import { report } from './probe.js';
import { ago, count, until } from './words.js';

/** The parts of the detector's GET /status the page reads (appliance/detector/scheduler.ts). */
interface Cycle {
  cycle_id: string;
  status: 'ok' | 'no_rows' | 'no_new_data' | 'insufficient_baseline' | 'failed';
  reason?: string;
  finished_at: string;
  rows: number;
  baseline_rows: number;
  min_baseline: number;
  scored: number;
  anomalies: number;
}
export interface DetectorStatusBody {
  running: { cycle_id: string; started_at: string } | null;
  last_cycle: Cycle | null;
  last_error: { at: string; cycle_id: string; message: string } | null;
  next_cycle_at: string | null;
  interval_minutes: number;
  cycles_run: number;
}

/** The last cycle in words: what it did, or why it wrote nothing. */
function lastCycleWords(c: Cycle): string {
  switch (c.status) {
    case 'ok':
      return `scored ${count(c.scored)} rows, ${count(c.anomalies)} anomalies`;
    case 'no_rows':
      return 'no data: no traffic in the window yet';
    case 'no_new_data':
      return 'up to date: no request arrived since the cycle before';
    case 'insufficient_baseline':
      return `insufficient baseline: ${count(c.baseline_rows)} human rows of the ${count(c.min_baseline)} needed (detector.min_baseline), ${count(c.rows)} rows in all`;
    default:
      return `failed${c.reason ? `: ${c.reason}` : ''}`;
  }
}

/**
 * The detector's state from its own status: a failed last cycle is down, an overdue scheduler
 * (no cycle for two intervals past its due time) is down, a small baseline is a warning, no
 * data yet is idle. A cycle that found no new request (an incremental detector with nothing to
 * score: appliance/detector/cycle.ts) is as healthy as one that scored.
 */
export function detectorReport(s: DetectorStatusBody, now = Date.now()): ServiceReport {
  const c = s.last_cycle;
  const values = [
    { label: 'last cycle', value: c ? `${lastCycleWords(c)} (${ago(c.finished_at, now)})` : 'none yet' },
    { label: 'next cycle', value: s.running ? 'running now' : until(s.next_cycle_at, now) },
    { label: 'interval', value: s.interval_minutes ? `${s.interval_minutes} min` : '?' },
    { label: 'cycles run', value: count(s.cycles_run ?? 0) },
  ];
  const seen = s.running?.started_at ?? c?.finished_at ?? null;
  const failed = s.last_error && (!c || Date.parse(s.last_error.at) >= Date.parse(c.finished_at));
  if (failed)
    return report('down', `last cycle failed: ${s.last_error?.message}`, values, s.last_error?.at ?? seen);
  const overdue =
    s.next_cycle_at &&
    s.interval_minutes &&
    now - Date.parse(s.next_cycle_at) > 2 * s.interval_minutes * 60_000;
  if (overdue && !s.running)
    return report('down', `no cycle since ${s.next_cycle_at}: the scheduler is stuck`, values, seen);
  if (s.running)
    return report('ok', `a cycle is running (started ${ago(s.running.started_at, now)})`, values, seen);
  if (!c) return report('idle', `waiting for its first cycle (${until(s.next_cycle_at, now)})`, values, seen);
  const state =
    c.status === 'ok' || c.status === 'no_new_data'
      ? 'ok'
      : c.status === 'insufficient_baseline'
        ? 'warn'
        : 'idle';
  return report(state, lastCycleWords(c), values, seen);
}

/** The detector through the dashboard's link to it (in process under `ja4 up`, HTTP otherwise). */
export async function detectorProbe(link: DetectorLink): Promise<ServiceReport> {
  let res: Awaited<ReturnType<DetectorLink['request']>>;
  try {
    res = await link.request('GET', '/status');
  } catch (err) {
    return report('down', `its API does not answer (${(err as Error).message}): is the detector running?`);
  }
  if (res.status !== 200) return report('down', `its API answered ${res.status}`);
  return detectorReport(res.body as DetectorStatusBody);
}
