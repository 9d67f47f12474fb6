import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { ClickHouseClient } from '../common/index.js';
import { CycleQueryError } from './errors.js';

/**
 * Analyst decisions (migration 0025, written by the dashboard): allow- and deny-list entries on
 * an IP, a CIDR, a JA4 (or a JA4 prefix ending in `*`) or an ASN, and labels on a flagged row
 * (false_positive, confirmed). Each table keeps every version of an entry; the newest version per
 * id counts, and a list entry counts while it is not deleted and not expired. An allow entry wins
 * over a deny entry that matches the same row: allowing is the analyst's explicit exception.
 */
export interface ListEntry {
  list: 'allow' | 'deny';
  subject_kind: 'ip' | 'cidr' | 'ja4' | 'asn';
  subject: string;
  note: string;
}

export interface ListMatch extends ListEntry {}

export type AnalystLabel = 'false_positive' | 'confirmed';

export interface Decisions {
  /** The entry deciding a row (allow first), if any. */
  listMatch(ip: string, ja4: string, asn: number): ListMatch | undefined;
  /** The newest label on (ip, hour, host, ja4), wildcards `*` on host or ja4 included. */
  label(ip: string, hour: string, host: string, ja4: string): AnalystLabel | undefined;
  readonly size: number;
  /** Changes whenever an entry or label is added, edited, removed or expires. */
  readonly digest: string;
}

const CURRENT_LISTS = `
SELECT list, subject_kind, subject, note FROM (
  SELECT id, argMax(toString(list), version) AS list, argMax(toString(subject_kind), version) AS subject_kind,
         argMax(subject, version) AS subject, argMax(note, version) AS note,
         argMax(expires_at, version) AS expires_at, argMax(deleted, version) AS deleted
  FROM ja4_processing.analyst_lists GROUP BY id)
WHERE deleted = 0 AND (expires_at IS NULL OR expires_at > now64(3))`;

const CURRENT_LABELS = `
SELECT src_ip, toString(hour) AS hour, host, ja4, label FROM (
  SELECT id, argMax(src_ip, version) AS src_ip, argMax(hour, version) AS hour, argMax(toString(host), version) AS host,
         argMax(toString(ja4), version) AS ja4, argMax(toString(label), version) AS label, argMax(deleted, version) AS deleted
  FROM ja4_processing.analyst_labels GROUP BY id)
WHERE deleted = 0`;

/** Reads the current decisions; a server without the tables (not migrated to 0025) has none. */
export async function readDecisions(client: ClickHouseClient): Promise<Decisions> {
  const read = async <T>(query: string, what: string): Promise<T[]> => {
    try {
      const rs = await client.query({ query, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e?.code === '60' || /UNKNOWN_TABLE/.test(e?.message ?? '')) return [];
      throw new CycleQueryError(`reading ${what}`, err);
    }
  };
  const lists = await read<ListEntry>(CURRENT_LISTS, 'analyst_lists');
  const labels = await read<{ src_ip: string; hour: string; host: string; ja4: string; label: AnalystLabel }>(
    CURRENT_LABELS,
    'analyst_labels',
  );
  return buildDecisions(lists, labels);
}

type Cidr = { entry: ListEntry; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

/** The matcher over entries and labels already read (tests build it directly). */
export function buildDecisions(
  lists: readonly ListEntry[],
  labels: readonly { src_ip: string; hour: string; host: string; ja4: string; label: AnalystLabel }[],
): Decisions {
  const exact = new Map<string, ListEntry[]>();
  const cidrs: Cidr[] = [];
  const prefixes: ListEntry[] = [];
  const add = (key: string, e: ListEntry) => exact.set(key, [...(exact.get(key) ?? []), e]);
  for (const e of lists) {
    if (e.subject_kind === 'ip') add(`ip:${canonical(e.subject)}`, e);
    else if (e.subject_kind === 'asn') add(`asn:${Number(e.subject.replace(/^AS/i, ''))}`, e);
    else if (e.subject_kind === 'ja4' && e.subject.endsWith('*')) prefixes.push(e);
    else if (e.subject_kind === 'ja4') add(`ja4:${e.subject}`, e);
    else if (e.subject_kind === 'cidr') {
      try {
        cidrs.push({ entry: e, range: ipaddr.parseCIDR(e.subject) });
      } catch {
        // An entry that is not a CIDR matches nothing (the dashboard writes canonical CIDRs).
      }
    }
  }
  const labelMap = new Map(labels.map((l) => [`${l.src_ip}|${l.hour}|${l.host}|${l.ja4}`, l.label]));
  const digest = createHash('sha256')
    .update(
      JSON.stringify([lists.map((e) => [e.list, e.subject_kind, e.subject]).sort(), [...labelMap].sort()]),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    size: lists.length + labels.length,
    digest,
    listMatch(ip, ja4, asn) {
      const hits = [
        ...(exact.get(`ip:${canonical(ip)}`) ?? []),
        ...(ja4 ? (exact.get(`ja4:${ja4}`) ?? []) : []),
        ...(asn > 0 ? (exact.get(`asn:${asn}`) ?? []) : []),
        ...(ja4 ? prefixes.filter((p) => ja4.startsWith(p.subject.slice(0, -1))) : []),
        ...cidrMatches(cidrs, ip),
      ];
      return hits.find((h) => h.list === 'allow') ?? hits[0];
    },
    label(ip, hour, host, ja4) {
      for (const key of [
        `${ip}|${hour}|${host}|${ja4}`,
        `${ip}|${hour}|${host}|*`,
        `${ip}|${hour}|*|${ja4}`,
        `${ip}|${hour}|*|*`,
      ]) {
        const l = labelMap.get(key);
        if (l) return l;
      }
      return undefined;
    },
  };
}

function cidrMatches(cidrs: readonly Cidr[], ip: string): ListEntry[] {
  if (cidrs.length === 0) return [];
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return [];
  }
  return cidrs.filter((c) => addr.kind() === c.range[0].kind() && addr.match(c.range)).map((c) => c.entry);
}

function canonical(ip: string): string {
  try {
    return ipaddr.process(ip).toString();
  } catch {
    return ip;
  }
}
