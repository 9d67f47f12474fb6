import { type ClickHouseClient, SCORE_BUCKET_SQL } from '../common/index.js';
import { CycleQueryError } from './errors.js';
import { asSchemaError } from './store.js';

/**
 * Writes the score histogram (ml_score_histogram_1h, migration 0037) of each of `hours` again,
 * whole, from the current scores of its rows. A rescoring replaces a row's score, which no
 * aggregate of inserted rows can take back, so the histogram of an hour is recomputed from
 * ml_current_scores after every write of its scores: one hour's rows, not the dashboard's range.
 * Every (hour, ja4) of those hours gets a newer version; a JA4 never leaves an hour (scores are
 * replaced, not deleted), so no older version outlives its hour's refresh.
 */
export async function refreshScoreHistogram(
  client: ClickHouseClient,
  hours: readonly string[],
): Promise<void> {
  if (hours.length === 0) return;
  try {
    await client.command({
      query: `INSERT INTO ja4_processing.ml_score_histogram_1h
        SELECT hour, ja4, now64(3), groupArray(b), groupArray(n), groupArray(f), argMax(thr, at), max(at)
        FROM (SELECT hour, ja4, ${SCORE_BUCKET_SQL} AS b, count() AS n, countIf(is_anomaly) AS f,
                     argMax(threshold, scored_at) AS thr, max(scored_at) AS at
              FROM ja4_processing.ml_current_scores FINAL
              WHERE hour IN {hours:Array(DateTime('UTC'))}
              GROUP BY hour, ja4, b)
        GROUP BY hour, ja4`,
      query_params: { hours: [...new Set(hours)] },
    });
  } catch (err) {
    throw (
      asSchemaError(err, 'ml_score_histogram_1h') ?? new CycleQueryError('writing ml_score_histogram_1h', err)
    );
  }
}
