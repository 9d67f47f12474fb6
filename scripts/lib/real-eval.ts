import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../appliance/common/index.js';
import { prepare } from '../../appliance/detector/cycle-score.js';
import { readDecisions } from '../../appliance/detector/decisions.js';
import { imputeMissing } from '../../appliance/detector/features.js';
import {
  featureBounds,
  fitIsolationForest,
  scoreIsolationForest,
} from '../../appliance/detector/model/isolation-forest.js';
import { selectRows } from '../../appliance/detector/model/matrix.js';
import { baselineStats } from '../../appliance/detector/reasons.js';
import { readFeatureRows, readJa4Context } from '../../appliance/detector/store.js';
import { readFamilyTable } from '../../appliance/detector/tls-family.js';
import { rocAuc } from './detector-eval.js';
import { findSklearnPython, runSklearn } from './detector-sklearn.js';

/**
 * Scoring the real-client benchmark: what the detector stored for each client (its newest score
 * per feature row), per-client verdicts, and recall, false-positive rate, AUC and margin, plus the
 * model alone side by side with scikit-learn's IsolationForest on the same rows and baseline.
 */
export interface Client {
  name: string;
  kind: 'browser' | 'tool';
  network: string;
  ip: string;
  /** Only rows with this JA4 family belong to the client when several share an address (loopback). */
  ua?: RegExp;
}

export interface ClientResult {
  name: string;
  kind: 'browser' | 'tool';
  network: string;
  ip: string;
  asn: number;
  asn_kind: string;
  ja4: string;
  rows: number;
  requests: number;
  score: number;
  flagged: boolean;
  verdict: string;
  source: string;
  confidence: number;
  /** flagged → 0.5 + confidence/2, else (1 − confidence)/2: the detector's belief that it is a bot. */
  bot_probability: number;
  reasons: string[];
}

interface Stored {
  src_ip: string;
  ja4: string;
  ua: string;
  asn: number;
  asn_label: string;
  requests: number;
  score: number;
  flagged: number;
  verdict: string;
  source: string;
  confidence: number;
  reason: string;
}

const CURRENT = `
  SELECT s.src_ip AS src_ip, toString(s.ja4) AS ja4, any(f.top_user_agent) AS ua, max(s.asn) AS asn,
         any(toString(s.asn_label)) AS asn_label, toUInt64(sum(s.requests)) AS requests, max(s.score) AS score,
         toUInt8(max(s.is_anomaly)) AS flagged, argMax(toString(s.verdict), s.is_anomaly * 10 + s.confidence) AS verdict,
         argMax(toString(s.verdict_source), s.is_anomaly * 10 + s.confidence) AS source,
         argMax(s.confidence, s.is_anomaly * 10 + s.confidence) AS confidence, any(a.reason) AS reason
  FROM (
    SELECT src_ip, hour, host, ja4, argMax(score, scored_at) AS score, argMax(is_anomaly, scored_at) AS is_anomaly,
           argMax(verdict, scored_at) AS verdict, argMax(verdict_source, scored_at) AS verdict_source,
           argMax(confidence, scored_at) AS confidence, argMax(requests, scored_at) AS requests,
           argMax(asn, scored_at) AS asn, argMax(asn_label, scored_at) AS asn_label
    FROM ja4_processing.ml_all_scores GROUP BY src_ip, hour, host, ja4) AS s
  LEFT JOIN (SELECT src_ip, ja4, argMax(reason, detected_at) AS reason FROM ja4_processing.ml_detected_anomalies
             WHERE src_ip != '' GROUP BY src_ip, ja4) AS a ON a.src_ip = s.src_ip AND a.ja4 = s.ja4
  LEFT JOIN (SELECT src_ip, ja4, any(top_user_agent) AS top_user_agent FROM ja4_processing.view_ai_features_1h
             GROUP BY src_ip, ja4) AS f ON f.src_ip = s.src_ip AND f.ja4 = s.ja4
  GROUP BY s.src_ip, s.ja4`;

export async function clientResults(
  client: ClickHouseClient,
  clients: readonly Client[],
): Promise<ClientResult[]> {
  const rs = await client.query({
    query: CURRENT,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const stored = await rs.json<Stored>();
  const out: ClientResult[] = [];
  for (const c of clients) {
    const mine = stored.filter((s) => s.src_ip === c.ip && (!c.ua || c.ua.test(s.ua)));
    if (mine.length === 0) continue;
    const top = mine.reduce((a, b) =>
      b.flagged > a.flagged || (b.flagged === a.flagged && b.score > a.score) ? b : a,
    );
    const flagged = mine.some((m) => m.flagged === 1);
    const confidence = Number(top.confidence);
    out.push({
      name: c.name,
      kind: c.kind,
      network: c.network,
      ip: c.ip,
      asn: Number(top.asn),
      asn_kind: top.asn_label,
      ja4: top.ja4,
      rows: mine.length,
      requests: mine.reduce((n, m) => n + Number(m.requests), 0),
      score: round(Math.max(...mine.map((m) => Number(m.score)))),
      flagged,
      verdict: top.verdict,
      source: top.source,
      confidence: round(confidence),
      bot_probability: round(flagged ? 0.5 + confidence / 2 : (1 - confidence) / 2),
      reasons: top.reason ? top.reason.split('; ') : [],
    });
  }
  return out;
}

export function summary(results: readonly ClientResult[]) {
  const tools = results.filter((r) => r.kind === 'tool');
  const browsers = results.filter((r) => r.kind === 'browser');
  const p = results.map((r) => r.bot_probability);
  const isBot = results.map((r) => r.kind === 'tool');
  const minTool = Math.min(...tools.map((t) => t.bot_probability));
  const maxBrowser = Math.max(...browsers.map((b) => b.bot_probability));
  return {
    clients: results.length,
    tools: tools.length,
    browsers: browsers.length,
    recall: round(tools.filter((t) => t.flagged).length / Math.max(1, tools.length)),
    false_positive_rate: round(browsers.filter((b) => b.flagged).length / Math.max(1, browsers.length)),
    auc: round(rocAuc(p, isBot)),
    margin: round(minTool - maxBrowser),
    highest_browser: round(maxBrowser),
    lowest_tool: round(minTool),
    model_score_auc: round(
      rocAuc(
        results.map((r) => r.score),
        isBot,
      ),
    ),
    by_source: Object.fromEntries(
      ['analyst', 'verification', 'known_list', 'heuristic', 'model'].map((s) => [
        s,
        tools.filter((t) => t.flagged && t.source === s).length,
      ]),
    ),
  };
}

/**
 * The model alone on the window's feature rows (row-level labels by address), ours and
 * scikit-learn's, trained on the same baseline rows with the same trees, ψ and seed.
 */
export async function modelSideBySide(
  client: ClickHouseClient,
  cfg: Config['detector'],
  botIps: ReadonlySet<string>,
  from: Date,
  to: Date,
) {
  const rows = await readFeatureRows(client, from, to);
  const env = {
    ctx: await readJa4Context(client, from, to),
    families: await readFamilyTable(client),
    decisions: await readDecisions(client),
  };
  const prep = prepare(rows, env);
  const baseline = prep.context.flatMap((c, i) => (c.member ? [i] : []));
  if (baseline.length < 2) return { rows: rows.length, baseline_rows: baseline.length };
  imputeMissing(prep.matrix, baselineStats(selectRows(prep.matrix, baseline)).median);
  const train = selectRows(prep.matrix, baseline);
  const opts = { trees: cfg.trees, sampleSize: cfg.sample_size, seed: cfg.seed };
  const labels = rows.map((r) => botIps.has(r.src_ip));
  const ours = scoreIsolationForest(
    fitIsolationForest(train, {
      ...opts,
      splitRange: cfg.split_range === 'window' ? 'bounds' : 'sample',
      bounds: featureBounds(prep.matrix),
    }),
    prep.matrix,
  );
  const python = findSklearnPython();
  const sk = python ? runSklearn(python, train, prep.matrix, opts) : undefined;
  return {
    rows: rows.length,
    baseline_rows: baseline.length,
    bots: labels.filter(Boolean).length,
    ours_auc: round(rocAuc(ours, labels)),
    sklearn_auc: sk ? round(rocAuc(sk.scores, labels)) : null,
    sklearn_version: sk?.version ?? 'not installed (apt-get install python3-sklearn)',
  };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
