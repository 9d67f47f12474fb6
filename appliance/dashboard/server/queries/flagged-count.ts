import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { type AnomalyScope, scopeParams, scopeSql } from './anomaly-scope.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { select } from './run.js';

/** The number of anomalous IPs in the scope: the anomalies page's total for an empty filter. */
export async function countFlaggedIps(ch: ClickHouseClient, r: TimeRange, s: AnomalyScope): Promise<number> {
  if (s.cycles.cycle_hours.length === 0) return 0;
  const [row] = await select<{ n: number }>(
    ch,
    `SELECT uniqExact(src_ip) AS n FROM ${ANOMALIES_TABLE} WHERE ${scopeSql(s)}`,
    scopeParams(r, s),
  );
  return Number(row?.n ?? 0);
}
