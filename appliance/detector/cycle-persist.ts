import type { ClickHouseClient } from '../common/index.js';
import type { Scored } from './cycle-score.js';
import type { CycleResult } from './cycle-types.js';
import {
  anomalyRow,
  type CycleStamp,
  carryForward,
  clearedHour,
  hoursWithAnomalies,
  needsWrite,
  rowKey,
  scoreRow,
} from './cycle-write.js';
import { refreshScoreHistogram } from './score-histogram.js';
import { insertRows, insertScores, type readPreviousScores, readRecurrence, type ScoreRow } from './store.js';

/** How a cycle stores what it scored: every row (a full cycle) or the rows that changed. */

/** Writes score rows, then the score histogram of every hour they are in. */
async function writeScores(client: ClickHouseClient, scores: ScoreRow[]): Promise<void> {
  if (scores.length === 0) return;
  await insertScores(client, scores);
  await refreshScoreHistogram(client, [...new Set(scores.map((s) => s.hour))]);
}

/** A full cycle writes every score and every hour's anomalies (each hour's flagged set is whole). */
export async function writeAll(
  client: ClickHouseClient,
  scored: Scored[],
  stamp: CycleStamp,
  result: CycleResult,
  w: { from: Date; to: Date },
): Promise<void> {
  const t = performance.now();
  const flagged = scored.filter((s) => s.decision.flagged);
  const recurrence = await readRecurrence(
    client,
    flagged.map((s) => s.row.src_ip),
  );
  const flaggedHours = new Set(flagged.map((s) => s.row.hour));
  const cleared = (await hoursWithAnomalies(client, w.from, w.to)).filter((h) => !flaggedHours.has(h));
  await writeScores(
    client,
    scored.map((s) => scoreRow(s, stamp)),
  );
  const anomalies = [
    ...flagged.map((s) => anomalyRow(s, stamp, recurrence.get(s.row.src_ip))),
    ...cleared.map((h) => clearedHour(h, stamp)),
  ];
  if (anomalies.length > 0) await insertRows(client, 'ml_detected_anomalies', anomalies);
  result.rows_written = scored.length;
  result.anomalies = flagged.length;
  result.durations_ms.write = Math.round(performance.now() - t);
}

/** Writes the rows that changed, and the anomalies of every hour whose flagged set changed. */
export async function writeChanged(
  client: ClickHouseClient,
  scored: Scored[],
  previous: Awaited<ReturnType<typeof readPreviousScores>>,
  stamp: CycleStamp,
  result: CycleResult,
): Promise<void> {
  const changed = scored.filter((s) => needsWrite(s, previous.get(rowKey(s.row))));
  const hours = new Set<string>();
  for (const s of changed) {
    if (s.decision.flagged || previous.get(rowKey(s.row))?.is_anomaly) hours.add(s.row.hour);
  }
  const flagged = changed.filter((s) => s.decision.flagged && hours.has(s.row.hour));
  const carried = await carryForward(client, [...hours], new Set(changed.map((s) => rowKey(s.row))), stamp);
  const recurrence = await readRecurrence(
    client,
    flagged.map((s) => s.row.src_ip),
  );
  const scores = [...changed.map((s) => scoreRow(s, stamp)), ...carried.scores];
  await writeScores(client, scores);
  const anomalies = [
    ...flagged.map((s) => anomalyRow(s, stamp, recurrence.get(s.row.src_ip))),
    ...carried.anomalies,
  ];
  const kept = new Set(anomalies.map((a) => a.hour));
  for (const h of hours) if (!kept.has(h)) anomalies.push(clearedHour(h, stamp));
  if (anomalies.length > 0) await insertRows(client, 'ml_detected_anomalies', anomalies);
  result.rows_written = scores.length;
  result.anomalies = flagged.length;
  result.carried = carried.anomalies.length;
}
