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

/**
 * The addresses of {ips:Array(String)} an analyst touched in the range: those with an alert state
 * or a label row there (most have none). A page's details statement can carry it as a column.
 */
export const DECIDED_IPS_SQL = `
  SELECT src_ip FROM ja4_processing.analyst_alert_states WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE}
  UNION DISTINCT
  SELECT src_ip FROM ja4_processing.analyst_labels WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE}`;

/**
 * Per address of a page: its alert state and its newest label in the range. An address no analyst
 * has touched in the range is new and unlabelled, so the join over its flagged keys runs only for
 * the page's touched addresses (DECIDED_IPS_SQL), looked up first unless the caller knows them.
 */
export async function pageDecisions(
  ch: ClickHouseClient,
  r: TimeRange,
  page: string[],
  decided?: string[],
): Promise<Map<string, { state: AlertState; label: string; by: string; note: string }>> {
  if (page.length === 0) return new Map();
  const ips =
    decided ??
    (await select<{ src_ip: string }>(ch, DECIDED_IPS_SQL, { ...rangeParams(r), ips: page })).map(
      (x) => x.src_ip,
    );
  if (ips.length === 0) return new Map();
  const rows = await select<{ src_ip: string; st: number; label: string; by: string; note: string }>(
    ch,
    `SELECT k.src_ip AS src_ip, min(if(s.st = 0, 1, s.st)) AS st, any(lb.label) AS label,
            argMax(s.by, s.st) AS by, argMax(s.nt, s.st) AS note
     FROM (SELECT DISTINCT src_ip, hour, host, ja4 FROM ${ANOMALIES_TABLE}
           WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE}) AS k
     LEFT JOIN (${statesSql('{ips:Array(String)}')}) AS s USING (src_ip, hour, host, ja4)
     LEFT JOIN (SELECT src_ip, toString(argMax(label, version)) AS label FROM ja4_processing.analyst_labels
                WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE} AND deleted = 0 GROUP BY src_ip) AS lb
       ON lb.src_ip = k.src_ip
     GROUP BY k.src_ip`,
    { ...rangeParams(r), ips },
  );
  return new Map(
    rows.map((x) => [
      x.src_ip,
      { state: stateName(x.st), label: x.label ?? '', by: x.by ?? '', note: x.note ?? '' },
    ]),
  );
}

/**
 * The addresses whose alerts in the range are all closed (resolved or false positive): only
 * addresses with a state row can be, so the keys of those few are joined with their states.
 */
const CLOSED_IPS = `(
  SELECT k.src_ip FROM (
    SELECT DISTINCT src_ip, hour, host, ja4 FROM ${ANOMALIES_TABLE}
    WHERE src_ip IN (SELECT src_ip FROM ja4_processing.analyst_alert_states WHERE ${HOURS_IN_RANGE})
      AND ${HOURS_IN_RANGE}) AS k
  LEFT JOIN (${statesSql(`(SELECT src_ip FROM ja4_processing.analyst_alert_states WHERE ${HOURS_IN_RANGE})`)}) AS s
    USING (src_ip, hour, host, ja4)
  GROUP BY k.src_ip HAVING min(if(s.st = 0, 1, s.st)) >= 3)`;

const VIEW_FILTER: Record<'open' | 'closed' | 'all', string> = {
  open: `AND src_ip NOT IN ${CLOSED_IPS}`,
  closed: `AND src_ip IN ${CLOSED_IPS}`,
  all: '',
};

/** The newest cycle's time for each row's hour (1970 for an hour no cycle flagged). */
const CYCLE_OF_HOUR = `transform(hour, {cycle_hours:Array(DateTime('UTC'))}, {cycle_at:Array(DateTime64(3, 'UTC'))},
  toDateTime64(0, 3, 'UTC'))`;

/**
 * Alerts: every address some cycle flagged in the range (bots excluded), highest score first,
 * with its state, whether the newest cycle of its hours still flags it, and who last changed it.
 * An alert stays until an analyst closes it, even when a later cycle no longer flags the address.
 * The page is ranked on the highest score alone, then described for its addresses only.
 */
export async function listAlerts(
  ch: ClickHouseClient,
  r: TimeRange,
  view: 'open' | 'closed' | 'all',
  page: { offset: number; limit: number },
  cycles: { cycle_hours: string[]; cycle_at: string[]; one_cycle: boolean },
): Promise<{ total: number; rows: Alert[] }> {
  const p = { ...rangeParams(r), ...cycles, ...page };
  const ranked = await selectWithTotal<{ src_ip: string }>(
    ch,
    `SELECT src_ip, max(score) AS k_score FROM ${ANOMALIES_TABLE}
     WHERE ${HOURS_IN_RANGE} AND bot_ip_label = '' AND bot_ja4_label = '' ${VIEW_FILTER[view]}
     GROUP BY src_ip ORDER BY k_score DESC, src_ip LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS exact_rows_before_limit = 1`,
    p,
  );
  const ips = ranked.rows.map((x) => x.src_ip);
  if (ips.length === 0) return { total: ranked.total, rows: [] };
  const [details, decided] = await Promise.all([
    select<Omit<Alert, 'state' | 'changed_by' | 'note'>>(
      ch,
      `SELECT src_ip, max(score) AS max_score, uniqExact(hour, host, ja4) AS rows,
              formatDateTime(min(hour), '%FT%TZ') AS first_hour, formatDateTime(max(hour), '%FT%TZ') AS last_hour,
              max(detected_at = ${CYCLE_OF_HOUR}) = 1 AS still_flagged
       FROM ${ANOMALIES_TABLE}
       WHERE src_ip IN {ips:Array(String)} AND ${HOURS_IN_RANGE} AND bot_ip_label = '' AND bot_ja4_label = ''
       GROUP BY src_ip`,
      { ...p, ips },
    ),
    pageDecisions(ch, r, ips),
  ]);
  const bySrc = new Map(details.map((x) => [x.src_ip, x]));
  const rows = ips.flatMap((ip): Alert[] => {
    const d = bySrc.get(ip);
    if (!d) return [];
    const s = decided.get(ip);
    const base = { ...d, rows: Number(d.rows), still_flagged: Boolean(Number(d.still_flagged)) };
    return [{ ...base, state: s?.state ?? 'new', changed_by: s?.by ?? '', note: s?.note ?? '' }];
  });
  return { total: ranked.total, rows };
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
