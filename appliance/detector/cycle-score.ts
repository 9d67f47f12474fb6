import { type BaselineContext, isBaselineRow } from './baseline.js';
import type { Decisions } from './decisions.js';
import {
  buildFeatures,
  type FeatureRow,
  featureRecord,
  imputeMissing,
  type Ja4Context,
  type RowFacts,
} from './features.js';
import { scoreIsolationForest } from './model/isolation-forest.js';
import type { FeatureMatrix } from './model/matrix.js';
import type { TrainedModel } from './model-state.js';
import { explainRow, type Reason } from './reasons.js';
import type { FamilyTable } from './tls-family.js';
import { type Decision, decide } from './verdicts.js';
import { claimedCrawler, type Resolver, type Verification, verifyCrawler } from './verified-bots.js';

/**
 * The scoring step of a cycle, shared by full and incremental cycles: features, the baseline
 * flags, the model's scores (when there is a model), then each row's verdict and reasons.
 */
export interface Scored {
  row: FeatureRow;
  facts: RowFacts;
  baseline: BaselineContext & { member: boolean };
  features: Record<string, number>;
  /** The model's score; 0 when there is no model yet. */
  score: number;
  decision: Decision;
  /** Feature reasons (furthest from the baseline first), for flagged rows. */
  featureReasons: Reason[];
}

export interface ScoreEnv {
  ctx: Ja4Context;
  families: FamilyTable;
  decisions: Decisions;
  /** DNS for crawler verification; undefined when verification is off. */
  resolver?: Resolver;
}

/** Features and baseline membership of the rows, before any model. */
export function prepare(rows: readonly FeatureRow[], env: ScoreEnv) {
  const { matrix, facts } = buildFeatures(rows, env.ctx, env.families);
  const context: (BaselineContext & { member: boolean })[] = rows.map((r, i) => {
    const list = env.decisions.listMatch(r.src_ip, r.ja4, r.asn);
    const label = env.decisions.label(r.src_ip, r.hour, r.host, r.ja4);
    return { list, label, member: isBaselineRow(r, facts[i], { list, label }) };
  });
  return { matrix, facts, context };
}

/** Scores prepared rows with `model` (or none) and decides every verdict. */
export async function scoreRows(
  rows: readonly FeatureRow[],
  prepared: ReturnType<typeof prepare>,
  model: TrainedModel | undefined,
  env: ScoreEnv,
): Promise<Scored[]> {
  const { matrix, facts, context } = prepared;
  if (model) imputeMissing(matrix, model.stats.median);
  const scores = model ? scoreIsolationForest(model.forest, matrix) : new Float64Array(rows.length);
  const crawlers = await verifyCrawlers(rows, env.resolver);
  const out: Scored[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const decision = decide({
      row,
      facts: facts[i],
      score: model ? scores[i] : undefined,
      threshold: model?.threshold ?? 1,
      list: context[i].list,
      label: context[i].label,
      crawler: crawlers.get(`${row.top_user_agent}\t${row.src_ip}`),
    });
    out[i] = {
      row,
      facts: facts[i],
      baseline: context[i],
      features: featureRecord(matrix, i, facts[i]),
      score: scores[i],
      decision,
      featureReasons: decision.flagged && model ? explainRow(matrix, i, row, facts[i], model.stats) : [],
    };
  }
  judgeOrphans(out);
  return out;
}

/**
 * Requests with no TLS fingerprint from an address whose fingerprinted requests in the same hour
 * and host carry the same User-Agent are that client's requests whose handshake was not joined
 * (the correlator stores a request it could not join without a JA4): they are judged with the
 * fingerprinted row, not as a client of their own made of a few stray requests. Analyst decisions
 * on the row itself still come first.
 */
export function judgeOrphans(scored: Scored[]): void {
  const withTls = new Map<string, Scored>();
  for (const s of scored) {
    if (!s.facts.hasTls) continue;
    const key = `${s.row.hour}|${s.row.host}|${s.row.src_ip}|${s.row.top_user_agent}`;
    const seen = withTls.get(key);
    if (!seen || s.row.requests > seen.row.requests) withTls.set(key, s);
  }
  for (const s of scored) {
    if (s.facts.hasTls || s.decision.source === 'analyst') continue;
    const sibling = withTls.get(`${s.row.hour}|${s.row.host}|${s.row.src_ip}|${s.row.top_user_agent}`);
    if (!sibling) continue;
    const words = `no TLS fingerprint on these ${s.row.requests} request(s): judged with the same client's fingerprinted requests (${sibling.row.ja4})`;
    s.decision = {
      ...sibling.decision,
      reasons: [
        { code: 'no_tls_sibling', words, value: sibling.row.ja4, typical: '' },
        ...sibling.decision.reasons,
      ],
    };
    s.featureReasons = [];
  }
}

/** Verifies each distinct (UA, address) that claims a known search-engine crawler, once per cycle. */
async function verifyCrawlers(
  rows: readonly FeatureRow[],
  resolver: Resolver | undefined,
): Promise<Map<string, Verification>> {
  const out = new Map<string, Verification>();
  for (const r of rows) {
    const key = `${r.top_user_agent}\t${r.src_ip}`;
    if (out.has(key)) continue;
    const crawler = claimedCrawler(r.top_user_agent);
    if (crawler) out.set(key, await verifyCrawler(crawler, r.src_ip, r.bot_ip_label, resolver));
  }
  return out;
}

export type { FeatureMatrix };
