import type { ClickHouseClient } from '../../../common/index.js';

const QUOTE_64 = /\boutput_format_json_quote_64bit_integers\s*=\s*0\b/;

/**
 * Runs a SELECT with bound parameters ({name:Type} placeholders) and returns its rows.
 * Nothing from a request is ever spliced into SQL text; 64-bit integers come back as numbers.
 */
export async function select<T>(
  ch: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  // A statement that sets it itself (SETTINGS clause) is not given it per call: on the embedded
  // engine a per-call setting costs one more call to put it back (embedded-settings.ts).
  const own = QUOTE_64.test(query);
  const rs = await ch.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: own
      ? { readonly: '2' }
      : { output_format_json_quote_64bit_integers: 0, readonly: '2' },
  });
  return rs.json<T>();
}

/**
 * A SELECT with the number of rows before its LIMIT (ClickHouse's JSON format reports it; exact with
 * exact_rows_before_limit = 1 in the statement). Bound parameters and the readonly guard as in select(); the
 * statement sets output_format_json_quote_64bit_integers = 0 itself (SETTINGS clause), because on the
 * embedded engine a per-call setting costs one more call to put it back.
 */
export async function selectWithTotal<T>(
  ch: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
): Promise<{ rows: T[]; total: number }> {
  const rs = await ch.query({
    query,
    query_params: params,
    format: 'JSON',
    clickhouse_settings: { readonly: '2' },
  });
  const out = await rs.json<T>();
  return { rows: out.data, total: Number(out.rows_before_limit_at_least ?? out.rows ?? 0) };
}

/** Rows of hourly data that the range touches: its start rounded down to the hour ({from}, {to}). */
export const HOURS_IN_RANGE =
  'hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})';

/** The bound parameters of a time range: DateTime values in UTC seconds. */
export function rangeParams(r: { from: number; to: number; step: number }) {
  return { from: r.from, to: r.to, step: r.step };
}
