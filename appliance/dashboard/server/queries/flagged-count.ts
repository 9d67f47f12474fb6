import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { activeList, allowedRowSql, allowParams, listEntries, listIsEmpty } from './decisions.js';
import { HOURS_IN_RANGE, rangeParams, select } from './run.js';

/**
 * The number of anomalous IPs: the anomalies page's total for an empty filter (each hour's newest
 * cycle, known bots and allow-listed rows left out): the allow list, then one query in which the
 * newest cycles come from the hour_cycles projection (0021).
 */
export async function countFlaggedIps(ch: ClickHouseClient, r: TimeRange): Promise<number> {
  const allow = activeList(await listEntries(ch), 'allow');
  const allowed = listIsEmpty(allow) ? '' : `AND NOT ${allowedRowSql(allow)}`;
  const [row] = await select<{ n: number }>(
    ch,
    `SELECT uniqExact(src_ip) AS n FROM ${ANOMALIES_TABLE}
     WHERE ${HOURS_IN_RANGE}
       AND (hour, detected_at) IN (SELECT hour, max(detected_at) FROM ${ANOMALIES_TABLE} WHERE ${HOURS_IN_RANGE} GROUP BY hour)
       AND src_ip != '' AND bot_ip_label = '' AND bot_ja4_label = '' ${allowed}`,
    { ...rangeParams(r), ...allowParams(allow) },
  );
  return Number(row?.n ?? 0);
}
