/**
 * The pipeline test's view of the detector's output: each row's current score, addresses labelled
 * from the seed and the traffic sent, and how the scores rank the labels.
 */
import type { ClickHouseHandle } from '../../appliance/common/clickhouse.js';
import type { RequestResult } from '../../scripts/lib/traffic-client.js';

/**
 * Every feature row's current score under `model`: its newest. A cycle writes a row's score again
 * only when it changed (appliance/detector/cycle-write.ts): what a cycle wrote is not all it judged.
 */
export async function currentScores(
  ch: ClickHouseHandle,
  model: string,
): Promise<{ src_ip: string; score: number; flagged: boolean }[]> {
  const rs = await ch.client.query({
    query: `SELECT src_ip, argMax(score, scored_at) AS score, argMax(is_anomaly, scored_at) AS flagged
              FROM ja4_processing.ml_all_scores WHERE model_version = {model:String}
             GROUP BY hour, host, src_ip, ja4`,
    query_params: { model },
    format: 'JSONEachRow',
  });
  return rs.json();
}

/**
 * Each address's label: `seeded <scenario>` from the seed's labels, else `live <scenario>` from
 * the traffic sent, else `unlabelled`.
 */
export async function addressLabels(
  ch: ClickHouseHandle,
  traffic: readonly RequestResult[],
): Promise<(ip: string) => string> {
  const rs = await ch.client.query({
    query: 'SELECT DISTINCT client_ip, scenario FROM ja4_processing.seed_labels',
    format: 'JSONEachRow',
  });
  const labels = new Map<string, string>();
  for (const r of await rs.json<{ client_ip: string; scenario: string }>())
    labels.set(r.client_ip, `seeded ${r.scenario}`);
  for (const r of traffic) if (!labels.has(r.xff)) labels.set(r.xff, `live ${r.scenario}`);
  return (ip) => labels.get(ip) ?? 'unlabelled';
}

/** How many times each label occurs. */
export function countLabels(labels: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

/** Rows and flagged rows per label. */
export function flaggedByLabel(
  rows: readonly { label: string; flagged: boolean }[],
): Record<string, { rows: number; flagged: number }> {
  const out: Record<string, { rows: number; flagged: number }> = {};
  for (const r of rows) {
    const v = out[r.label] ?? { rows: 0, flagged: 0 };
    v.rows++;
    if (r.flagged) v.flagged++;
    out[r.label] = v;
  }
  return out;
}

/** The `n` addresses with the highest score of any of their rows, highest first. */
export function topAddresses(
  rows: readonly { src_ip: string; score: number }[],
  n: number,
): { src_ip: string; score: number }[] {
  const best = new Map<string, number>();
  for (const r of rows) best.set(r.src_ip, Math.max(best.get(r.src_ip) ?? Number.NEGATIVE_INFINITY, r.score));
  return [...best]
    .map(([src_ip, score]) => ({ src_ip, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, n);
}

/**
 * How well scores rank addresses labelled `positive` above those labelled `negative`: the share
 * of (positive, negative) pairs whose highest row scores are in that order, ties counting half
 * (the area under the ROC curve).
 */
export function addressAuc(
  rows: readonly { src_ip: string; score: number }[],
  label: (ip: string) => string,
  positive: string,
  negative: string,
): number {
  const best = topAddresses(rows, Number.POSITIVE_INFINITY);
  const pos = best.filter((r) => label(r.src_ip) === positive).map((r) => r.score);
  const neg = best.filter((r) => label(r.src_ip) === negative).map((r) => r.score);
  if (pos.length === 0 || neg.length === 0) return 0;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}
