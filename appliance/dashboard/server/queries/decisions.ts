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

/** The active allow-list subjects of one kind, newest version per entry, as an SQL subquery. */
const allowed = (kind: string) => `(
  SELECT s FROM (
    SELECT argMax(tuple(list, subject_kind, subject, expires_at, deleted), version) AS v,
           v.1 AS l, v.2 AS k, v.3 AS s, v.4 AS e, v.5 AS d
    FROM ja4_processing.analyst_lists GROUP BY id)
  WHERE l = 'allow' AND k = '${kind}' AND d = 0 AND (isNull(e) OR e > now64(3)))`;

/** Whether the allow list has an active entry of a kind: a scalar subquery, run once per query. */
const any = (kind: string) => `(SELECT count() FROM ${allowed(kind)}) > 0`;

/**
 * SQL that is true for a row of ml_detected_anomalies (src_ip, ja4, asn) the allow list covers,
 * read inside the query itself (no round trip). Each kind's test is guarded by whether the list
 * has an entry of that kind: the guard is a scalar subquery, known before the rows are read, so
 * with no entry of a kind its per-row test is folded away (with an empty list the whole
 * condition is a constant). JA4 entries ending in `*` are prefixes.
 */
export const ALLOWED_ROW = `((${any('ip')} AND src_ip IN ${allowed('ip')})
  OR (${any('cidr')} AND arrayExists(c -> isIPAddressInRange(src_ip, c), (SELECT groupArray(s) FROM ${allowed('cidr')})))
  OR (${any('ja4')} AND (ja4 IN ${allowed('ja4')}
      OR arrayExists(p -> endsWith(p, '*') AND startsWith(ja4, substring(p, 1, length(p) - 1)),
                     (SELECT groupArray(s) FROM ${allowed('ja4')}))))
  OR (${any('asn')} AND toString(asn) IN ${allowed('asn')}))`;
