import type { ClickHouseClient } from '../../../common/index.js';
import type { ListEntry, ListName } from '../../api/index.js';
import { select } from './run.js';

/**
 * The analyst's allow and deny lists as they stand now: the newest version of each entry
 * (ReplacingMergeTree merges only eventually, so argMax per id), not removed, not expired.
 */
export async function listEntries(ch: ClickHouseClient): Promise<ListEntry[]> {
  return select<ListEntry>(
    ch,
    `SELECT toString(id) AS id, toString(l) AS list, toString(k) AS subject_kind, s AS subject, n AS note,
            b AS created_by, formatDateTime(c, '%FT%TZ') AS created_at,
            if(isNull(e), NULL, formatDateTime(assumeNotNull(e), '%FT%TZ')) AS expires_at,
            (d = 0 AND (isNull(e) OR e > now64(3))) AS active
     FROM (
       SELECT id, argMax(tuple(list, subject_kind, subject, note, created_by, created_at, expires_at, deleted), version) AS v,
              v.1 AS l, v.2 AS k, v.3 AS s, v.4 AS n, v.5 AS b, v.6 AS c, v.7 AS e, v.8 AS d
       FROM ja4_processing.analyst_lists GROUP BY id
     )
     WHERE d = 0
     ORDER BY c DESC
     SETTINGS output_format_json_quote_64bit_integers = 0`,
  ).then((rows) => rows.map((r) => ({ ...r, active: Boolean(Number(r.active)) })));
}

/** One list's active entries by kind (the blocklist renderer takes the deny list this way). */
export interface ListParams {
  ips: string[];
  cidrs: string[];
  ja4s: string[];
  ja4_prefixes: string[];
  asns: number[];
}

export function activeList(entries: ListEntry[], list: ListName): ListParams {
  const mine = entries.filter((e) => e.active && e.list === list);
  const of = (kind: ListEntry['subject_kind']) =>
    mine.filter((e) => e.subject_kind === kind).map((e) => e.subject);
  const ja4 = of('ja4');
  return {
    ips: of('ip'),
    cidrs: of('cidr'),
    ja4s: ja4.filter((j) => !j.endsWith('*')),
    ja4_prefixes: ja4.filter((j) => j.endsWith('*')).map((j) => j.slice(0, -1)),
    asns: of('asn').map(Number),
  };
}

/** Whether a list has anything in it. */
export function listIsEmpty(p: ListParams): boolean {
  return Object.values(p).every((v) => v.length === 0);
}

/**
 * SQL that is true for a row of ml_detected_anomalies (src_ip, ja4, asn) the allow list covers,
 * with the list bound as parameters (allowParams). With an empty list it is the constant 0: the
 * lists are read once per request (one small query), and a query pays per row only for the
 * kinds the list has.
 */
export function allowedRowSql(p: ListParams): string {
  const parts: string[] = [];
  if (p.ips.length > 0) parts.push('src_ip IN {al_ips:Array(String)}');
  if (p.cidrs.length > 0)
    parts.push('arrayExists(c -> isIPAddressInRange(src_ip, c), {al_cidrs:Array(String)})');
  if (p.ja4s.length > 0) parts.push('ja4 IN {al_ja4s:Array(String)}');
  if (p.ja4_prefixes.length > 0)
    parts.push('arrayExists(x -> startsWith(ja4, x), {al_ja4_prefixes:Array(String)})');
  if (p.asns.length > 0) parts.push('asn IN {al_asns:Array(UInt32)}');
  return parts.length === 0 ? '0' : `(${parts.join(' OR ')})`;
}

export function allowParams(p: ListParams): Record<string, unknown> {
  return {
    al_ips: p.ips,
    al_cidrs: p.cidrs,
    al_ja4s: p.ja4s,
    al_ja4_prefixes: p.ja4_prefixes,
    al_asns: p.asns,
  };
}
