import type { ClickHouseClient } from '../../../common/index.js';

/**
 * Runs a SELECT with bound parameters ({name:Type} placeholders) and returns its rows.
 * Nothing from a request is ever spliced into SQL text; 64-bit integers come back as numbers.
 */
export async function select<T>(
  ch: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const rs = await ch.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0, readonly: '2' },
  });
  return rs.json<T>();
}

/** The bound parameters of a time range: DateTime values in UTC seconds. */
export function rangeParams(r: { from: number; to: number; step: number }) {
  return { from: r.from, to: r.to, step: r.step };
}
