import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../../../common/index.js';
import type { AlertState, LabelName, ListEntry, NewListEntry } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { ANOMALIES_TABLE } from './current-anomalies.js';
import { HOURS_IN_RANGE, rangeParams, select } from './run.js';

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as DateTime64(3, 'UTC') columns take it. */
export const chTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const chHour = (t: string) => t.replace('T', ' ').replace('Z', '');

async function insert(ch: ClickHouseClient, table: string, values: object[]): Promise<void> {
  if (values.length === 0) return;
  await ch.insert({ table: `ja4_processing.${table}`, values, format: 'JSONEachRow' });
}

/** One line of the analyst audit trail: who did what to which subject, and why. */
export async function audit(
  ch: ClickHouseClient,
  username: string,
  action: string,
  subject: { kind: string; value: string },
  detail: string,
): Promise<void> {
  await insert(ch, 'analyst_audit', [
    { ts: chTime(new Date()), username, action, subject_kind: subject.kind, subject: subject.value, detail },
  ]);
}

/** Adds an allow- or deny-list entry (subject already canonical); returns its id. */
export async function addListEntry(ch: ClickHouseClient, e: NewListEntry, by: string): Promise<string> {
  const id = randomUUID();
  const now = chTime(new Date());
  await insert(ch, 'analyst_lists', [
    {
      id,
      version: now,
      list: e.list,
      subject_kind: e.subject_kind,
      subject: e.subject,
      note: e.note,
      created_by: by,
      created_at: now,
      expires_at: e.expires_at ? chTime(new Date(e.expires_at * 1000)) : null,
      deleted: 0,
    },
  ]);
  return id;
}

/** Removes an entry: a newer version of it marked deleted. */
export async function removeListEntry(ch: ClickHouseClient, e: ListEntry, by: string): Promise<void> {
  await insert(ch, 'analyst_lists', [
    {
      id: e.id,
      version: chTime(new Date()),
      list: e.list,
      subject_kind: e.subject_kind,
      subject: e.subject,
      note: e.note,
      created_by: by,
      created_at: chHour(e.created_at),
      expires_at: e.expires_at ? chHour(e.expires_at) : null,
      deleted: 1,
    },
  ]);
}

/** The keys (hour, host, JA4) any cycle flagged for an address in a range. */
export async function flaggedKeys(ch: ClickHouseClient, ip: string, r: TimeRange) {
  // Prefixed names: a SELECT alias would shadow the column of its name in WHERE.
  const rows = await select<{ k_hour: string; k_host: string; k_ja4: string }>(
    ch,
    `SELECT DISTINCT toString(hour) AS k_hour, toString(host) AS k_host, toString(ja4) AS k_ja4
     FROM ${ANOMALIES_TABLE} WHERE src_ip = {ip:String} AND ${HOURS_IN_RANGE}`,
    { ...rangeParams(r), ip },
  );
  return rows.map((x) => ({ hour: x.k_hour, host: x.k_host, ja4: x.k_ja4 }));
}

/**
 * Labels every flagged hour of an address in the range (host and JA4 '*': all rows of that
 * address and hour), and moves the alerts along: a false positive closes them as such, a
 * confirmation acknowledges them.
 */
export async function labelAddress(
  ch: ClickHouseClient,
  ip: string,
  r: TimeRange,
  label: LabelName,
  note: string,
  by: string,
): Promise<number> {
  const keys = await flaggedKeys(ch, ip, r);
  const now = chTime(new Date());
  const hours = [...new Set(keys.map((k) => k.hour))];
  await insert(
    ch,
    'analyst_labels',
    hours.map((hour) => ({
      id: randomUUID(),
      version: now,
      src_ip: ip,
      hour,
      host: '*',
      ja4: '*',
      label,
      note,
      created_by: by,
      created_at: now,
      deleted: 0,
    })),
  );
  await writeStates(ch, ip, keys, label === 'false_positive' ? 'false_positive' : 'acknowledged', note, by);
  return hours.length;
}

/** Sets the state of every flagged key of an address in the range. */
export async function setAlertState(
  ch: ClickHouseClient,
  ip: string,
  r: TimeRange,
  state: AlertState,
  note: string,
  by: string,
): Promise<number> {
  const keys = await flaggedKeys(ch, ip, r);
  await writeStates(ch, ip, keys, state, note, by);
  return keys.length;
}

async function writeStates(
  ch: ClickHouseClient,
  ip: string,
  keys: { hour: string; host: string; ja4: string }[],
  state: AlertState,
  note: string,
  by: string,
): Promise<void> {
  const version = chTime(new Date());
  await insert(
    ch,
    'analyst_alert_states',
    keys.map((k) => ({ src_ip: ip, ...k, version, state, note, changed_by: by })),
  );
}
