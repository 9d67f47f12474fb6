import type { ClickHouseClient } from '../common/index.js';
import type { Scored } from './cycle-score.js';
import { formatReasons, type Reason } from './reasons.js';
import { type AnomalyRow, type PreviousScore, type Recurrence, type ScoreRow, select } from './store.js';

/**
 * What a cycle writes. ml_all_scores keeps one current score per feature row and model version
 * (ReplacingMergeTree, migration 0030), so a row is written again only when something an analyst
 * or the dashboard reads changed: it is new under this model, its verdict changed, its score moved
 * by SCORE_STEP or more, or it is flagged and its request count grew by REQUESTS_STEP or more.
 *
 * ml_detected_anomalies: the dashboard's current verdict on an hour is the rows of that hour's
 * newest cycle (appliance/dashboard/server/queries/current-anomalies.ts). So when a cycle writes
 * anomalies for an hour (or a row of that hour stops being flagged), the hour's other current
 * anomalies are carried forward into this cycle (same score, reasons and model; new detected_at
 * and cycle id), and the flagged set of the hour stays whole. A cycle that changes nothing about
 * an hour's flagged set writes nothing for it.
 */
export const SCORE_STEP = 0.02;
export const REQUESTS_STEP = 0.1;

export interface CycleStamp {
  cycleId: string;
  /** ClickHouse DateTime64(3) text of the cycle's time. */
  at: string;
  modelVersion: string;
  threshold: number;
}

export const rowKey = (r: { hour: string; host: string; src_ip: string; ja4: string }) =>
  `${r.hour}|${r.host}|${r.src_ip}|${r.ja4}`;

/** Whether a row must be written again (incremental cycles; a full cycle writes every row). */
export function needsWrite(s: Scored, prev: PreviousScore | undefined): boolean {
  if (!prev) return true;
  if (prev.verdict !== s.decision.verdict || prev.is_anomaly !== s.decision.flagged) return true;
  if (Math.abs(prev.score - s.score) >= SCORE_STEP) return true;
  return s.decision.flagged && s.row.requests >= prev.requests * (1 + REQUESTS_STEP);
}

export function scoreRow(s: Scored, stamp: CycleStamp): ScoreRow {
  const r = s.row;
  return {
    scored_at: stamp.at,
    cycle_id: stamp.cycleId,
    model_version: stamp.modelVersion,
    hour: r.hour,
    host: r.host,
    src_ip: r.src_ip,
    ja4: r.ja4,
    score: s.score,
    threshold: stamp.threshold,
    is_anomaly: s.decision.flagged,
    verdict: s.decision.verdict,
    verdict_source: s.decision.source,
    confidence: s.decision.confidence,
    requests: r.requests,
    asn: r.asn,
    asn_label: r.asn_label,
    bot_ip_label: r.bot_ip_label,
    bot_ja4_label: r.bot_ja4_label,
    features: s.features,
  };
}

export function anomalyRow(s: Scored, stamp: CycleStamp, recurrence: Recurrence | undefined): AnomalyRow {
  const r = s.row;
  const reasons: Reason[] = [...s.decision.reasons, ...s.featureReasons];
  const rec = recurrenceReason(recurrence, r.hour);
  if (rec) reasons.push(rec);
  return {
    detected_at: stamp.at,
    hour: r.hour,
    host: r.host,
    src_ip: r.src_ip,
    ja4: r.ja4,
    score: s.score,
    threshold: stamp.threshold,
    verdict: s.decision.verdict,
    verdict_source: s.decision.source,
    confidence: s.decision.confidence,
    cycle_id: stamp.cycleId,
    model_version: stamp.modelVersion,
    requests: r.requests,
    asn: r.asn,
    asn_name: r.asn_name,
    asn_label: r.asn_label,
    bot_ip_label: r.bot_ip_label,
    bot_ja4_label: r.bot_ja4_label,
    top_user_agent: r.top_user_agent,
    reason: formatReasons(reasons),
    reasons,
    features: s.features,
  };
}

function recurrenceReason(rec: Recurrence | undefined, hour: string): Reason | undefined {
  if (!rec || rec.hours_flagged === 0 || (rec.hours_flagged === 1 && rec.first_flagged === hour))
    return undefined;
  const days = rec.days_flagged === 1 ? '1 day' : `${rec.days_flagged} days`;
  return {
    code: 'recurrence',
    words: `IP already flagged in ${rec.hours_flagged} hour(s) over ${days} since ${rec.first_flagged.slice(0, 10)}`,
    value: String(rec.hours_flagged),
    typical: '0',
  };
}

/** The marker row of an hour this cycle leaves with no anomaly (see above). */
export function clearedHour(hour: string, stamp: CycleStamp): AnomalyRow {
  return {
    detected_at: stamp.at,
    hour,
    host: '',
    src_ip: '',
    ja4: '',
    score: 0,
    threshold: stamp.threshold,
    verdict: 'cleared',
    verdict_source: 'model',
    confidence: 0,
    cycle_id: stamp.cycleId,
    model_version: stamp.modelVersion,
    requests: 0,
    asn: 0,
    asn_name: '',
    asn_label: '',
    bot_ip_label: '',
    bot_ja4_label: '',
    top_user_agent: '',
    reason: '',
    reasons: [],
    features: {},
  };
}

/** Hours of [from, to) with anomaly rows (any cycle's), as ClickHouse prints them. */
export async function hoursWithAnomalies(client: ClickHouseClient, from: Date, to: Date): Promise<string[]> {
  const rows = await select<{ h: string }>(
    client,
    `SELECT DISTINCT toString(hour) AS h FROM ja4_processing.ml_detected_anomalies
     WHERE hour >= toDateTime({from:UInt32}, 'UTC') AND hour < toDateTime({to:UInt32}, 'UTC') AND src_ip != ''`,
    { from: Math.floor(from.getTime() / 1000), to: Math.floor(to.getTime() / 1000) },
    'ml_detected_anomalies',
  );
  return rows.map((r) => r.h);
}

/**
 * The current anomalies of `hours` that this cycle does not write itself, re-stamped with this
 * cycle, with the score row each needs (the overview's summary view counts flagged rows per
 * cycle from ml_all_scores).
 */
export async function carryForward(
  client: ClickHouseClient,
  hours: readonly string[],
  written: ReadonlySet<string>,
  stamp: CycleStamp,
): Promise<{ anomalies: AnomalyRow[]; scores: ScoreRow[] }> {
  if (hours.length === 0) return { anomalies: [], scores: [] };
  const current = await select<AnomalyRow>(
    client,
    `SELECT toString(hour) AS hour, toString(host) AS host, src_ip, toString(ja4) AS ja4, score, threshold,
            toString(verdict) AS verdict, toString(verdict_source) AS verdict_source, confidence,
            toString(model_version) AS model_version, toUInt64(requests) AS requests, asn, toString(asn_name) AS asn_name,
            toString(asn_label) AS asn_label, toString(bot_ip_label) AS bot_ip_label, toString(bot_ja4_label) AS bot_ja4_label,
            top_user_agent, reason, reasons, features
     FROM (
       -- Filter in a subquery: the outer aliases (hour as text) would shadow the columns in WHERE.
       SELECT * FROM ja4_processing.ml_detected_anomalies
       WHERE hour IN {hours:Array(DateTime('UTC'))} AND src_ip != ''
         AND (hour, detected_at) IN (SELECT hour, max(detected_at) FROM ja4_processing.ml_detected_anomalies
                                     WHERE hour IN {hours:Array(DateTime('UTC'))} GROUP BY hour))`,
    { hours: [...hours] },
    'ml_detected_anomalies',
  );
  const anomalies = current
    .filter((a) => !written.has(rowKey(a)))
    .map((a) => ({ ...a, requests: Number(a.requests), detected_at: stamp.at, cycle_id: stamp.cycleId }));
  const scores = anomalies.map(
    (a): ScoreRow => ({
      scored_at: stamp.at,
      cycle_id: stamp.cycleId,
      model_version: a.model_version,
      hour: a.hour,
      host: a.host,
      src_ip: a.src_ip,
      ja4: a.ja4,
      score: a.score,
      threshold: a.threshold,
      is_anomaly: true,
      verdict: a.verdict,
      verdict_source: a.verdict_source,
      confidence: a.confidence,
      requests: a.requests,
      asn: a.asn,
      asn_label: a.asn_label,
      bot_ip_label: a.bot_ip_label,
      bot_ja4_label: a.bot_ja4_label,
      features: a.features,
    }),
  );
  return { anomalies, scores };
}
