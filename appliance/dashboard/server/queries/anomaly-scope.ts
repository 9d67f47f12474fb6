import type { ClickHouseClient } from '../../../common/index.js';
import type { AnomalyFilter } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { CURRENT, type CurrentCycles, currentCycles } from './current-anomalies.js';
import {
  activeList,
  allowedRowSql,
  allowParams,
  type ListParams,
  listEntries,
  listIsEmpty,
} from './decisions.js';
import { rangeParams } from './run.js';

/**
 * Which rows of ml_detected_anomalies a request reads, decided once per request: the current
 * verdict of each hour of the range (current-anomalies.ts), without allow-listed rows (an
 * analyst's allow list outranks the detector everywhere the dashboard shows or exports flags),
 * and without known bots unless asked for. "Anomalous IPs" on every page are the addresses of
 * these rows with bots excluded: flagged by the detector's newest cycle, not a known bot, not
 * allow-listed.
 */
export interface AnomalyScope {
  cycles: CurrentCycles;
  allow: ListParams;
  includeBots: boolean;
}

export async function anomalyScope(
  ch: ClickHouseClient,
  r: TimeRange,
  bots: AnomalyFilter['bots'] = 'include',
): Promise<AnomalyScope> {
  const [cycles, entries] = await Promise.all([currentCycles(ch, r), listEntries(ch)]);
  return { cycles, allow: activeList(entries, 'allow'), includeBots: bots === 'include' };
}

/** The WHERE condition of the scope's rows (range, current cycles, lists, bots). */
export function scopeSql(s: AnomalyScope): string {
  const parts = [CURRENT];
  if (!listIsEmpty(s.allow)) parts.push(`NOT ${allowedRowSql(s.allow)}`);
  if (!s.includeBots) parts.push(`bot_ip_label = '' AND bot_ja4_label = ''`);
  return parts.join(' AND ');
}

export function scopeParams(r: TimeRange, s: AnomalyScope): Record<string, unknown> {
  return { ...rangeParams(r), ...s.cycles, ...allowParams(s.allow) };
}
