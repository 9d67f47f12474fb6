import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { anomalyScope, scopeParams, scopeSql } from './anomaly-scope.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { select } from './run.js';

/**
 * The number of anomalous IPs: the anomalies page's total for an empty filter, counted over the
 * same scope (each hour's newest cycle, known bots and allow-listed rows left out; the detector's
 * marker of an hour it left with no anomaly is not an address).
 */
export async function countFlaggedIps(ch: ClickHouseClient, r: TimeRange): Promise<number> {
  const s = await anomalyScope(ch, r, 'exclude');
  if (s.cycles.cycle_hours.length === 0) return 0;
  const [row] = await select<{ n: number }>(
    ch,
    `SELECT uniqExact(src_ip) AS n FROM ${ANOMALIES_TABLE} WHERE ${scopeSql(s)}`,
    scopeParams(r, s),
  );
  return Number(row?.n ?? 0);
}
