import type { TimeRange } from '../time-range.js';

const HOUR_S = 3600;

/**
 * The requests of a time range, selected so that ts is decoded only where it decides. http_logs
 * is ordered by (toStartOfHour(ts), ...) and partitioned by toDate(ts) (migration 0004), but a
 * condition on ts is still tested row by row, and decoding every row's ts was half of a day's
 * scan. So the range is read in two parts: its whole hours by the stored `hour` column (migration
 * 0039), and its partial first and last hours by ts. `_partition_id IN` keeps both to the days
 * the range touches (a virtual column: whole parts are skipped, nothing is read). A part that
 * would select nothing is left out.
 */
export interface LogsRange {
  /** The SQL of `SELECT <columns> FROM http_logs` over the range, where `condition` holds. */
  select(columns: string, condition: string): string;
  /**
   * The range as one condition on ts, for a read the primary key already narrows to a few
   * granules (one address's hours), where a second scan of the union costs more than ts there.
   */
  exact: string;
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
  const params = {
    lr_days: days(r.from, Math.max(r.to, r.from + 1)),
    lr_whole_from: wholeFrom,
    lr_whole_to: toH,
    lr_edges: edges,
    lr_from: r.from,
    lr_to: r.to,
  };
  const inDays = '_partition_id IN {lr_days:Array(String)}';
  const parts = [
    wholeFrom < toH
      ? `hour >= toDateTime({lr_whole_from:UInt32}, 'UTC') AND hour < toDateTime({lr_whole_to:UInt32}, 'UTC')`
      : '',
    edges.length > 0
      ? `toUnixTimestamp(hour) IN {lr_edges:Array(UInt32)}
         AND ts >= toDateTime64({lr_from:UInt32}, 6) AND ts < toDateTime64({lr_to:UInt32}, 6)`
      : '',
  ].filter(Boolean);
  const select = (columns: string, condition: string) =>
    (parts.length ? parts : ['0'])
      .map(
        (p) => `SELECT ${columns} FROM ja4_processing.http_logs WHERE ${inDays} AND ${p} AND (${condition})`,
      )
      .join('\nUNION ALL\n');
  const exact = 'ts >= toDateTime64({lr_from:UInt32}, 6) AND ts < toDateTime64({lr_to:UInt32}, 6)';
  return { select, exact, params };
}
