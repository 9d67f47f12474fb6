/**
 * The structured reasons of a row of ml_detected_anomalies as JSON text: the detector's list of
 * (code, words, value, typical) (migration 0031), '[]' for a row written with only the joined
 * `reason` text (rows scored before that migration, carried as they were). Tuple elements come
 * out as objects keyed by name (output_format_json_named_tuples_as_objects, on by default).
 */
export const REASONS_JSON = 'toJSONString(reasons)';
