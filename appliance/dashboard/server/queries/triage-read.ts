import type { ClickHouseClient } from '../../../common/index.js';
import { ALERT_STATES, type Alert, type AlertState, type AuditRow } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { HOURS_IN_RANGE, rangeParams, select, selectWithTotal } from './run.js';

/**
 * The current state of each alert key: the newest version per (src_ip, hour, host, ja4), as the
 * enum's number (new 1 < acknowledged 2 < resolved 3 < false_positive 4); a key with no row is
 * new. An address's state is the least advanced of its keys' (one new row keeps it open).
 */
const statesSql = (ips: string) => `
  SELECT src_ip, hour, host, ja4, toInt8(argMax(state, version)) AS st, argMax(changed_by, version) AS by,
         argMax(note, version) AS nt
  FROM ja4_processing.analyst_alert_states
  WHERE src_ip IN ${ips} AND ${HOURS_IN_RANGE}
  GROUP BY src_ip, hour, host, ja4`;

const stateName = (n: number): AlertState => ALERT_STATES[Math.max(1, Math.min(4, Number(n) || 1)) - 1];

/** Per address of a page: its alert state and its newest label in the range. */
export async function pageDecisions(
  ch: ClickHouseClient,
  r: TimeRange,
  ips: string[],
): Promise<Map<string, { state: AlertState; label: string }>> {
  if (ips.length === 0) return new Map();
  const p = { ...rangeParams(r), ips };
  const [states, labels] = await Promise.all([
    select<{ src_ip: string; st: number }>(
      ch,
      `SELECT k.src_ip AS src_ip, min(if(s.st = 0, 1, s.st)) AS st
       FROM (SELECT DISTINCT src_ip, hour, host, ja4 FROM ${ANOMALIES_TABLE}
             WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE}) AS k
       LEFT JOIN (${statesSql('{ips:Array(String)}')}) AS s USING (src_ip, hour, host, ja4)
       GROUP BY k.src_ip`,
      p,
    ),
    select<{ src_ip: string; label: string }>(
      ch,
      `SELECT src_ip, toString(argMax(label, version)) AS label FROM ja4_processing.analyst_labels
       WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE} AND deleted = 0 GROUP BY src_ip`,
      p,
    ),
  ]);
  const label = new Map(labels.map((x) => [x.src_ip, x.label]));
  return new Map(states.map((x) => [x.src_ip, { state: stateName(x.st), label: label.get(x.src_ip) ?? '' }]));
}

const VIEW_STATES: Record<'open' | 'closed' | 'all', number[]> = {
  open: [1, 2],
  closed: [3, 4],
  all: [1, 2, 3, 4],
};

/**
 * Alerts: every address some cycle flagged in the range (bots excluded), with its state, whether
 * the newest cycle of its hours still flags it, and who last changed it. An alert stays until an
 * analyst closes it, even when a later cycle no longer flags the address.
 */
export async function listAlerts(
  ch: ClickHouseClient,
  r: TimeRange,
  view: 'open' | 'closed' | 'all',
  page: { offset: number; limit: number },
  cycles: { cycle_hours: string[]; cycle_at: string[]; one_cycle: boolean },
): Promise<{ total: number; rows: Alert[] }> {
  const { rows, total } = await selectWithTotal<Alert & { st: number }>(
    ch,
    `WITH keys AS (
       SELECT src_ip, hour, host, ja4, max(score) AS score,
              max(detected_at = transform(hour, {cycle_hours:Array(DateTime('UTC'))},
                  {cycle_at:Array(DateTime64(3, 'UTC'))}, toDateTime64(0, 3, 'UTC'))) AS current
       FROM ${ANOMALIES_TABLE}
       WHERE ${HOURS_IN_RANGE} AND bot_ip_label = '' AND bot_ja4_label = ''
       GROUP BY src_ip, hour, host, ja4)
     SELECT k.src_ip AS src_ip, min(if(s.st = 0, 1, s.st)) AS st, max(k.score) AS max_score, count() AS rows,
            formatDateTime(min(k.hour), '%FT%TZ') AS first_hour, formatDateTime(max(k.hour), '%FT%TZ') AS last_hour,
            max(k.current) = 1 AS still_flagged, argMax(s.by, s.st) AS changed_by, argMax(s.nt, s.st) AS note
     FROM keys AS k LEFT JOIN (${statesSql('(SELECT src_ip FROM keys)')}) AS s USING (src_ip, hour, host, ja4)
     GROUP BY k.src_ip
     HAVING st IN {states:Array(Int8)}
     ORDER BY max_score DESC, src_ip
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
    { ...rangeParams(r), ...cycles, ...page, states: VIEW_STATES[view] },
  );
  return {
    total,
    rows: rows.map(({ st, ...a }) => ({
      ...a,
      state: stateName(st),
      still_flagged: Boolean(Number(a.still_flagged)),
    })),
  };
}

/** The audit trail, newest first, optionally for one subject. */
export function listAudit(
  ch: ClickHouseClient,
  subject: string,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: AuditRow[] }> {
  return selectWithTotal<AuditRow>(
    ch,
    `SELECT formatDateTime(ts, '%FT%T.%fZ') AS ts, username, action, subject_kind, subject, detail
     FROM ja4_processing.analyst_audit
     WHERE {subject:String} = '' OR subject = {subject:String}
     ORDER BY ts DESC
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS exact_rows_before_limit = 1`,
    { subject, ...page },
  );
}
