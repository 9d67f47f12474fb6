import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, openClickHouse } from '../../appliance/common/index.js';
import { loadDictionaries, migrateUp } from '../../appliance/common/migrate/index.js';
import { SLOT_MS, type SlotRun, scoreGrowth, simulateDay } from './detector-scale.js';

/**
 * Slots at which the old behaviour (a full cycle over the window) is measured: 6 and 24 h (its
 * cost grows with the window, so the day's total is their interpolation).
 */
const OLD_AT = [23, 95];
/** At 100M a day only the first two hours are simulated (a whole day would take hours). */
const FULL_DAY_UP_TO = 10_000_000;

function stats(runs: readonly SlotRun[]) {
  const inc = runs.filter((r) => r.kind === 'incremental');
  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  };
  const full = runs.filter((r) => r.kind === 'full');
  return {
    cycles: runs.length,
    full_cycles: full.length,
    incremental_cpu_ms_median: q(
      inc.map((r) => r.cpu_ms),
      0.5,
    ),
    incremental_cpu_ms_p95: q(
      inc.map((r) => r.cpu_ms),
      0.95,
    ),
    incremental_wall_ms_median: q(
      inc.map((r) => r.ms),
      0.5,
    ),
    incremental_wall_ms_p95: q(
      inc.map((r) => r.ms),
      0.95,
    ),
    full_cpu_ms_max: Math.max(0, ...full.map((r) => r.cpu_ms)),
    full_wall_ms_max: Math.max(0, ...full.map((r) => r.ms)),
    cpu_ms_median: q(
      runs.map((r) => r.cpu_ms),
      0.5,
    ),
    cpu_ms_max: Math.max(0, ...runs.map((r) => r.cpu_ms)),
    cpu_ms_total: runs.reduce((n, r) => n + r.cpu_ms, 0),
    wall_ms_total: runs.reduce((n, r) => n + r.ms, 0),
    rows_read_median: q(
      runs.map((r) => r.rows_read),
      0.5,
    ),
    rows_read_max: Math.max(0, ...runs.map((r) => r.rows_read)),
    rows_written_total: runs.reduce((n, r) => n + r.rows_written, 0),
    rows_written_median:
      [...runs.map((r) => r.rows_written)].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0,
  };
}

/**
 * The old behaviour over every slot, from its checkpoints: a full cycle's cost grows with the
 * window, so each slot's cost is the line through the first and last checkpoint (or proportional
 * to the window when there is one checkpoint), summed over the simulated slots.
 */
function oldTotals(old: readonly SlotRun[], slots: number) {
  const line = (pick: (r: SlotRun) => number) => {
    const a = old[0];
    const b = old[old.length - 1];
    if (!a || !b) return 0;
    const slope = b.slot === a.slot ? pick(b) / (b.slot + 1) : (pick(b) - pick(a)) / (b.slot - a.slot);
    const at = (s: number) => Math.max(0, pick(b) + slope * (s - b.slot));
    return Math.round(Array.from({ length: slots }, (_, s) => at(s)).reduce((n, v) => n + v, 0));
  };
  return {
    cpu_ms_total_estimated: line((r) => r.cpu_ms),
    wall_ms_total_estimated: line((r) => r.ms),
    rows_read_total_estimated: line((r) => r.rows_read),
  };
}

/** One rate: a simulated day of the detector as it runs, then the old behaviour at its checkpoints. */
async function oneRate(perDay: number, echo: (l: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-bench-scale-'));
  const ch = await openClickHouse({ ...defaultConfig().clickhouse, url: `embedded:${dir}` });
  try {
    await migrateUp(ch.client, {});
    await loadDictionaries(ch.client, {});
    const hours = perDay <= FULL_DAY_UP_TO ? 24 : 2;
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000;
    const slots = Array.from({ length: hours * 4 }, (_, i) => i);
    const runs = await simulateDay(ch.client, perDay, start, slots, 'auto', (r) => {
      if (r.slot % 8 === 7 || r.kind === 'full')
        echo(
          `  ${perDay}/day slot ${r.slot}: ${r.kind} ${r.cpu_ms} ms CPU (${r.ms} ms wall), read ${r.rows_read}, wrote ${r.rows_written}`,
        );
    });
    await ch.client.command({ query: 'OPTIMIZE TABLE ja4_processing.ml_all_scores FINAL' });
    const growth = await scoreGrowth(ch.client);
    const old: SlotRun[] = [];
    for (const slot of OLD_AT.filter((s) => s < slots.length).concat(
      slots.length < 24 ? [slots.length - 1] : [],
    )) {
      const [r] = await simulateDay(ch.client, 0, start, [slot], 'full');
      old.push(r);
      echo(
        `  ${perDay}/day old at ${(slot + 1) / 4} h: ${r.cpu_ms} ms CPU (${r.ms} ms wall), read ${r.rows_read}, wrote ${r.rows_written}`,
      );
    }
    return {
      requests_per_day: perDay,
      simulated_hours: hours,
      slot_minutes: SLOT_MS / 60_000,
      new: { ...stats(runs), cycles_detail: runs },
      old: { checkpoints: old, ...oldTotals(old, slots.length) },
      ml_all_scores_after_optimize: growth,
    };
  } finally {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scale stage over each rate; `done` gets each rate's result as soon as it is measured. */
export async function scaleStage(
  rates: readonly number[],
  echo: (l: string) => void,
  done?: (results: unknown[]) => void,
) {
  const out: unknown[] = [];
  for (const perDay of rates) {
    echo(`scale: ${perDay} requests a day`);
    out.push(await oneRate(perDay, echo));
    done?.(out);
  }
  return out;
}
