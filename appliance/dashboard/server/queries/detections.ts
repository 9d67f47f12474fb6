import { type ClickHouseClient, SCORE_HISTOGRAM_BUCKETS } from '../../../common/index.js';
import type { DetectionsResponse } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { type AnomalyScope, scopeParams, scopeSql } from './anomaly-scope.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { HOURS_IN_RANGE, rangeParams, select } from './run.js';

/**
 * The distribution of every current score in the range (known bots included: it is the model's
 * view of all traffic), in SCORE_HISTOGRAM_BUCKETS equal buckets over [0, 1], with the newest
 * threshold; `ja4` narrows it to one fingerprint. A feature row's current score is its newest
 * scoring, whichever cycle and model wrote it (an incremental cycle writes only the rows that
 * changed). The detector writes each hour's histogram per JA4 again after every write of that
 * hour's scores (ml_score_histogram_1h, migration 0037), so this adds up a few rows per hour of
 * the range instead of deduplicating every feature row of it (ml_current_scores FINAL).
 */
export async function scoreHistogram(
  ch: ClickHouseClient,
  r: TimeRange,
  opts: { ja4?: string },
): Promise<Pick<DetectionsResponse, 'threshold' | 'histogram' | 'scored_rows'>> {
  const [row] = await select<{
    rows: [number[], number[]];
    flagged: [number[], number[]];
    threshold: number;
    n: number;
  }>(
    ch,
    `SELECT sumMap(buckets, rows) AS rows, sumMap(buckets, flagged) AS flagged,
            argMax(threshold, threshold_at) AS threshold, count() AS n
     FROM ja4_processing.ml_score_histogram_1h FINAL
     WHERE ${HOURS_IN_RANGE}
       ${opts.ja4 === undefined ? '' : 'AND ja4 = {ja4:String}'}
     SETTINGS output_format_json_quote_64bit_integers = 0`,
    { ...rangeParams(r), ja4: opts.ja4 ?? '' },
  );
  if (!row || Number(row.n) === 0) return { threshold: null, histogram: [], scored_rows: 0 };
  const counts = (m: [number[], number[]]) => new Map(m[0].map((b, i) => [Number(b), Number(m[1][i])]));
  const rows = counts(row.rows);
  const flagged = counts(row.flagged);
  const histogram = Array.from({ length: SCORE_HISTOGRAM_BUCKETS }, (_, b) => ({
    lo: b / SCORE_HISTOGRAM_BUCKETS,
    hi: (b + 1) / SCORE_HISTOGRAM_BUCKETS,
    rows: rows.get(b) ?? 0,
    flagged: flagged.get(b) ?? 0,
  }));
  return {
    threshold: Number(row.threshold),
    histogram,
    scored_rows: histogram.reduce((n, x) => n + x.rows, 0),
  };
}

type ReasonRow = { code: string; words: string; rows: number; ips: number };

/** Numbers in a reason's words, replaced so that rows differing only in them read the same. */
const NUMBERS = "'[0-9]+(\\\\.[0-9]+)?'";

/**
 * The reasons the detector gave most over the scope's rows, by code; a row with only the joined
 * reason text (no structured list) counts as one item of its text without its numbers
 * (reason_words), under the code 'text'. The two kinds of rows are counted by two queries at once,
 * each reading only its own columns (the structured list's tuples as they are, the text as its
 * LowCardinality dictionary), instead of one that turned every row into JSON and parsed it back.
 * A structured reason coded 'text' as well would share that code's addresses between the two:
 * then the one combined scan counts them once.
 */
export async function topReasons(
  ch: ClickHouseClient,
  r: TimeRange,
  s: AnomalyScope,
): Promise<DetectionsResponse['top_reasons']> {
  if (s.cycles.cycle_hours.length === 0) return [];
  const params = scopeParams(r, s);
  const [text, coded] = await Promise.all([
    select<ReasonRow>(
      ch,
      `SELECT 'text' AS code, replaceRegexpAll(toString(any(reason_words)), ${NUMBERS}, '#') AS words,
              count() AS rows, uniq(src_ip) AS ips
       FROM ${ANOMALIES_TABLE} WHERE ${scopeSql(s)} AND empty(reasons)
       GROUP BY code`,
      params,
    ),
    select<ReasonRow>(
      ch,
      `SELECT item.code AS code, replaceRegexpAll(any(item.words), ${NUMBERS}, '#') AS words,
              count() AS rows, uniq(src_ip) AS ips
       FROM (SELECT src_ip, arrayJoin(reasons) AS item
             FROM ${ANOMALIES_TABLE} WHERE ${scopeSql(s)} AND notEmpty(reasons))
       GROUP BY code ORDER BY rows DESC LIMIT 10`,
      params,
    ),
  ]);
  if (text.length > 0 && coded.some((x) => x.code === 'text')) return reasonsInOneScan(ch, s, params);
  return [...text, ...coded]
    .map((x) => ({ ...x, rows: Number(x.rows), ips: Number(x.ips) }))
    .sort((x, y) => y.rows - x.rows)
    .slice(0, 10);
}

/** topReasons over both kinds of rows at once, each text-only row as one item coded 'text'. */
async function reasonsInOneScan(
  ch: ClickHouseClient,
  s: AnomalyScope,
  params: Record<string, unknown>,
): Promise<DetectionsResponse['top_reasons']> {
  const rows = await select<ReasonRow>(
    ch,
    `SELECT item.1 AS code, replaceRegexpAll(any(item.2), ${NUMBERS}, '#') AS words,
            count() AS rows, uniq(src_ip) AS ips
     FROM (SELECT src_ip, arrayJoin(if(empty(reasons), [('text', toString(reason_words))],
                  arrayMap(x -> (toString(x.code), x.words), reasons))) AS item
           FROM ${ANOMALIES_TABLE} WHERE ${scopeSql(s)})
     GROUP BY code ORDER BY rows DESC LIMIT 10`,
    params,
  );
  return rows.map((x) => ({ ...x, rows: Number(x.rows), ips: Number(x.ips) }));
}
