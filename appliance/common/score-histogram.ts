/**
 * The score histogram's buckets: equal parts of [0, 1], the last one closed. The detector writes
 * ml_score_histogram_1h with them and the dashboard draws them; migration 0037's fill uses the
 * same number.
 */
export const SCORE_HISTOGRAM_BUCKETS = 40;

/** The bucket of a score, as SQL over a column `score`. */
export const SCORE_BUCKET_SQL = `toUInt8(least(floor(score * ${SCORE_HISTOGRAM_BUCKETS}), ${SCORE_HISTOGRAM_BUCKETS - 1}))`;
