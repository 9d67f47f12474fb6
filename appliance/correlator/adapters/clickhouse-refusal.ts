/**
 * Whether ClickHouse refused an insert because of the rows in it (splitting the batch finds them)
 * or for a reason that has nothing to do with them (retry the same batch later, in order).
 *
 * Decided by the server's error code (`code` on @clickhouse/client's ClickHouseError, numbered as
 * in ClickHouse's src/Common/ErrorCodes.cpp), and only known row errors split: an error not listed
 * here is treated as an outage, because splitting on a table-level fault (a missing table, a
 * read-only replica, credentials) would send every row to the dead letters. Network errors
 * (ECONNREFUSED, ECONNRESET, timeouts) carry no server code and are outages too.
 */
export type Refusal = 'transient' | 'rows';

const ROW_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO (throwIf in a view)
  469, // VIOLATED_CONSTRAINT
]);

/**
 * 252 TOO_MANY_PARTS is both "merges are behind" (an outage: wait) and "too many partitions for
 * a single INSERT block" (the rows span too many partitions: max_partitions_per_insert_block).
 */
const TOO_MANY_PARTS = 252;
const PARTITIONS_PER_BLOCK = /partitions for (a )?single insert block/i;

export function classifyClickHouseError(err: unknown): Refusal {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = Number(e?.code);
  if (!Number.isInteger(code)) return 'transient';
  if (code === TOO_MANY_PARTS) return PARTITIONS_PER_BLOCK.test(String(e?.message)) ? 'rows' : 'transient';
  return ROW_CODES.has(code) ? 'rows' : 'transient';
}

/** One line for logs and dead letters: "252 TOO_MANY_PARTS: <first line of the message>". */
export function describeRefusal(err: unknown): string {
  const e = err as { code?: unknown; type?: unknown; message?: unknown } | undefined;
  const first = String(e?.message ?? err)
    .split('\n')[0]
    .slice(0, 300);
  const head = [e?.code, e?.type].filter((x) => x !== undefined && x !== '').join(' ');
  return head ? `${head}: ${first}` : first;
}
