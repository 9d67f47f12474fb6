import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { HOURS_IN_RANGE, rangeParams, select } from './run.js';

/**
 * Which rows of ml_detected_anomalies are the detector's current verdict on a time range.
 *
 * A cycle that changes an hour's flagged set writes the hour's whole set again with detected_at =
 * the cycle's time (its unchanged anomalies carried forward, appliance/detector/cycle-write.ts).
 * So an hour's newest detected_at marks what the detector now thinks of that hour, and an address
 * it no longer flags there drops out, as in the overview's anomalous series. One cycle writes a
 * key (src_ip, hour, host, ja4) once, so these rows need no FINAL and no per-key argMax;
 * ReplacingMergeTree's merges only remove rows this filter already leaves out, so the answer is
 * the same before and after them. (FINAL merged the ~500k flagged rows of a busy day on every
 * page view: ~30 ms.)
 */

export const ANOMALIES_TABLE = 'ja4_processing.ml_detected_anomalies';

/**
 * The WHERE condition (with the range) for the rows of the cycles currentCycles() found. The
 * cycles are looked up once and bound as parameters, so the two queries of a page read the same
 * cycles even when one lands in between, and neither repeats the scan that finds them. transform()
 * maps each row's hour to its newest cycle through one hash lookup (a (hour, detected_at) IN set
 * hashed a tuple per row: ~5 ms more on 500k rows); an hour not listed maps to 1970, which no
 * cycle wrote. When one cycle is the newest of every hour (a range inside the newest cycle's
 * window: the usual case), the rows are simply that cycle's: a comparison with a constant instead
 * of a lookup per row (~3 ms less on 500k rows). ClickHouse drops the branch a constant condition
 * does not take before reading (the analyzer's if-constant-condition pass), so the lookup is not
 * evaluated at all then. A row with an empty src_ip is the detector's marker of an hour it left with
 * no anomaly (appliance/detector/cycle-write.ts): it makes that cycle the hour's newest and is never
 * listed itself.
 */
export const CURRENT = `${HOURS_IN_RANGE} AND src_ip != '' AND detected_at = if({one_cycle:Bool},
  {cycle_at:Array(DateTime64(3, 'UTC'))}[1],
  transform(hour, {cycle_hours:Array(DateTime('UTC'))}, {cycle_at:Array(DateTime64(3, 'UTC'))},
    toDateTime64(0, 3, 'UTC')))`;

export interface CurrentCycles {
  /** Hours of the range with anomalies, and each one's newest detected_at, as ClickHouse prints them. */
  cycle_hours: string[];
  cycle_at: string[];
  /** Whether every hour's newest cycle is the same one (then cycle_at[0]). */
  one_cycle: boolean;
}

export async function currentCycles(ch: ClickHouseClient, r: TimeRange): Promise<CurrentCycles> {
  const rows = await select<{ hour: string; at: string }>(
    ch,
    `SELECT hour, max(detected_at) AS at FROM ${ANOMALIES_TABLE} WHERE ${HOURS_IN_RANGE} GROUP BY hour`,
    rangeParams(r),
  );
  const cycle_at = rows.map((x) => x.at);
  return {
    cycle_hours: rows.map((x) => x.hour),
    cycle_at,
    one_cycle: cycle_at.length > 0 && cycle_at.every((at) => at === cycle_at[0]),
  };
}
