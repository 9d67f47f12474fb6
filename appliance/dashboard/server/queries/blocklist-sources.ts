import type { ClickHouseClient } from '../../../common/index.js';
import { ACCESS_ASN_KINDS } from '../../../common/migrate/index.js';
import type { TimeRange } from '../time-range.js';
import { type AnomalyQuery, exportAnomalies, type FlaggedIpRow } from './anomalies.js';
import { anomalyScope, scopeParams, scopeSql } from './anomaly-scope.js';
import { ANOMALIES_TABLE, CURRENT } from './current-anomalies.js';
import { activeList, type ListParams, listEntries } from './decisions.js';
import { HOURS_IN_RANGE, select } from './run.js';

export interface BlocklistSources {
  rows: FlaggedIpRow[];
  ja4s: { ja4: string; ips: number; label: string }[];
  /** The deny list's entries, which every blocklist carries whatever the filter. */
  deny: ListParams;
}

/**
 * What a blocklist is made of, from one lookup of the current cycles and the lists: the
 * addresses the anomalies table shows for exactly this filter (allow-listed ones never), and,
 * when asked, the JA4s a WAF may block among the same rows: known-bot JA4s, and JA4s that no
 * unflagged client from an access network (ISP, mobile, education, government, business: the
 * kinds people browse from) used in the range (blocking those costs no human visitor).
 * Deny-listed addresses, networks and JA4s are added by the renderer.
 */
export async function blocklistSources(
  ch: ClickHouseClient,
  r: TimeRange,
  f: AnomalyQuery,
  cap: number,
  withJa4s: boolean,
): Promise<BlocklistSources> {
  const scope = await anomalyScope(ch, r, f.bots);
  const deny = activeList(await listEntries(ch), 'deny');
  const rows = await exportAnomalies(ch, r, f, cap, scope);
  if (!withJa4s || rows.length === 0) return { rows, ja4s: [], deny };
  const ja4s = await select<{ ja4: string; ips: number; label: string }>(
    ch,
    `SELECT ja4, uniqExact(src_ip) AS ips, max(bot_ja4_label) AS label
     FROM ${ANOMALIES_TABLE}
     WHERE ${scopeSql(scope)} AND ja4 != '' AND src_ip IN {ips:Array(String)}
     GROUP BY ja4
     HAVING label != '' OR ja4 NOT IN (
       SELECT DISTINCT ja4 FROM ja4_processing.agg_host_ip_ja4_1h
       WHERE ${HOURS_IN_RANGE} AND asn_label IN {access:Array(String)}
         AND src_ip NOT IN (SELECT src_ip FROM ${ANOMALIES_TABLE} WHERE ${CURRENT}))
     ORDER BY ips DESC LIMIT 1000`,
    { ...scopeParams(r, scope), ips: rows.map((x) => x.src_ip), access: ACCESS_ASN_KINDS },
  );
  return { rows, ja4s, deny };
}
