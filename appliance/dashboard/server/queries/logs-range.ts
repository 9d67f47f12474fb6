import type { TimeRange } from '../time-range.js';

const HOUR_S = 3600;

export const LOGS_TABLE = 'ja4_processing.http_logs';

/**
 * The requests of a time range as conditions on http_logs, written so that ts is decoded only
 * where it decides. http_logs is ordered by (toStartOfHour(ts), ...) and partitioned by
 * toDate(ts) (migration 0004), and keeps the hour as a stored column (0039) that its search
 * copies are sorted by (0041); a condition on ts is tested row by row, and decoding every row's
 * ts was half of a day's scan. `_partition_id IN` keeps every read to the days the range touches
 * (a virtual column: whole parts are skipped, nothing is read). A condition that selects nothing
 * is `0`, which ClickHouse drops before reading.
 */
export interface LogsRange {
  /** The range's whole hours, by `hour` alone: no ts is read. */
  whole: string;
  /** The range's partial first and last hours, exactly, by the table's primary key and ts. */
  edges: string;
  /**
   * The whole range in one condition, for a read sorted by `hour` (a search copy): whole hours
   * by `hour`, the partial ones by ts too, which is then decoded only in those two hours.
   */
  exact: string;
  /** Every hour the range touches, its partial ones whole: a superset, for looking up values. */
  hours: string;
  params: Record<string, unknown>;
}

/** Partition ids (toDate(ts) as YYYYMMDD) of the UTC days of [from, to). */
function days(from: number, to: number): string[] {
  const out: string[] = [];
  const first = Math.floor(from / 86400);
  const last = Math.floor((to - 1) / 86400);
  for (let d = first; d <= last; d++)
    out.push(new Date(d * 86_400_000).toISOString().slice(0, 10).replace(/-/g, ''));
  return out;
}

export function logsRange(r: Pick<TimeRange, 'from' | 'to'>): LogsRange {
  const fromH = Math.floor(r.from / HOUR_S) * HOUR_S;
  const toH = Math.floor(r.to / HOUR_S) * HOUR_S;
  const wholeFrom = r.from === fromH ? r.from : fromH + HOUR_S;
  const edges = [...new Set([...(r.from === fromH ? [] : [fromH]), ...(r.to === toH ? [] : [toH])])];
  const lastHour = r.to === toH ? toH - HOUR_S : toH;
  const params = {
    lr_days: days(r.from, Math.max(r.to, r.from + 1)),
    lr_whole_from: wholeFrom,
    lr_whole_to: toH,
    lr_first_hour: fromH,
    lr_last_hour: lastHour,
    lr_edges: edges,
    lr_from: r.from,
    lr_to: r.to,
  };
  const inDays = '_partition_id IN {lr_days:Array(String)}';
  const inTs = 'ts >= toDateTime64({lr_from:UInt32}, 6) AND ts < toDateTime64({lr_to:UInt32}, 6)';
  const hours = `${inDays} AND hour >= toDateTime({lr_first_hour:UInt32}, 'UTC')
    AND hour <= toDateTime({lr_last_hour:UInt32}, 'UTC')`;
  const none = r.to <= r.from;
  return {
    whole:
      wholeFrom < toH
        ? `${inDays} AND hour >= toDateTime({lr_whole_from:UInt32}, 'UTC') AND hour < toDateTime({lr_whole_to:UInt32}, 'UTC')`
        : '0',
    edges:
      edges.length > 0 && !none
        ? `${inDays} AND toStartOfHour(ts) IN {lr_edges:Array(DateTime('UTC'))} AND ${inTs}`
        : '0',
    exact: none
      ? '0'
      : edges.length > 0
        ? `${hours} AND (hour NOT IN {lr_edges:Array(DateTime('UTC'))} OR (${inTs}))`
        : hours,
    hours: none ? '0' : hours,
    params,
  };
}
