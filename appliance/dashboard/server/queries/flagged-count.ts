import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { ALLOWED_ROW } from './decisions.js';
import { HOURS_IN_RANGE, rangeParams, select } from './run.js';

/**
 * The number of anomalous IPs: the anomalies page's total for an empty filter (each hour's newest
 * cycle, known bots and allow-listed rows left out), in one query: the newest cycles come from
 * the hour_cycles projection (0021) inside it, so the overview pays one round trip for it.
 */
export async function countFlaggedIps(ch: ClickHouseClient, r: TimeRange): Promise<number> {
  const [row] = await select<{ n: number }>(
    ch,
    `SELECT uniqExact(src_ip) AS n FROM ${ANOMALIES_TABLE}
     WHERE ${HOURS_IN_RANGE}
       AND (hour, detected_at) IN (SELECT hour, max(detected_at) FROM ${ANOMALIES_TABLE} WHERE ${HOURS_IN_RANGE} GROUP BY hour)
       AND bot_ip_label = '' AND bot_ja4_label = '' AND NOT ${ALLOWED_ROW}`,
    rangeParams(r),
  );
  return Number(row?.n ?? 0);
}
