import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ASN_CLASSIFIER_VERSION, classifyAsnName } from './asn-kind.js';
import type { Provenance, Row } from './dictionary-files.js';
import { DictionaryFilesError } from './errors.js';
import { RANGE_FILES, readIpAsnRanges } from './ip-asn-ranges.js';
import { packageInfo } from './reference-lists.js';

/**
 * The whole internet's IP → ASN table, from range files: a folder given to `ja4 dict update
 * --from DIR` when it holds them, else the installed npm package @ip-location-db/asn (RouteViews,
 * the five RIRs via the NRO, and DB-IP's organisation names; CC BY 4.0). Read at load time from
 * the package's files, so the repository carries no copy.
 */
export const IP_ASN_PACKAGE = '@ip-location-db/asn';
export const IP_ASN_LICENCE = 'CC BY 4.0';
export const IP_ASN_ATTRIBUTION =
  'IP to ASN data: RouteViews (routeviews.org), NRO (nro.net) and DB-IP (db-ip.com, IP to ASN Lite), CC BY 4.0, via ip-location-db';

export interface RangeSource {
  files: { path: string; family: 4 | 6 }[];
  provenance: Provenance;
  url: string;
}

/** The range files of `dir` (text form preferred per family), or undefined when it has none. */
export function rangeFilesIn(dir: string): { path: string; family: 4 | 6 }[] {
  const out: { path: string; family: 4 | 6 }[] = [];
  for (const family of [4, 6] as const) {
    const hit = RANGE_FILES.find((r) => r.family === family && existsSync(join(dir, r.file)));
    if (hit) out.push({ path: join(dir, hit.file), family });
  }
  return out;
}

/**
 * The package's files and provenance. Its version is `2.3.<YYYYMMDDHH>` of the data it holds
 * (the -num files are read: the same ranges as integers, half the parsing time).
 */
export function packageRangeSource(): RangeSource {
  const pkg = packageInfo(IP_ASN_PACKAGE);
  if (!pkg) throw new DictionaryFilesError(IP_ASN_PACKAGE, 'the package is not installed (npm install)');
  const root = pkg.root;
  const stamp = /\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(pkg.version);
  const date = stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}` : new Date().toISOString().slice(0, 10);
  return {
    files: [
      { path: join(root, 'asn-ipv4-num.csv'), family: 4 },
      { path: join(root, 'asn-ipv6-num.csv'), family: 6 },
    ],
    provenance: { source: `npm ${IP_ASN_PACKAGE}`, source_version: pkg.version, source_date: date },
    url: 'https://github.com/sapics/ip-location-db',
  };
}

/** TSV-escapes a field (backslash, tab, newline), as ClickHouse's TabSeparated reads it. */
export function tsv(value: string | number): string {
  return String(value).replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'));
}

/**
 * Reads the ranges into TSV chunks for dict_ip_asn_source (network, asn, asn_name, country and
 * provenance) and collects each ASN's organisation name for the kind classifier.
 */
export function readInternetAsn(source: RangeSource): {
  chunks: string[];
  rows: number;
  names: Map<number, string>;
} {
  const names = new Map<number, string>();
  const chunks: string[] = [];
  let lines: string[] = [];
  const p = source.provenance;
  const tail = `\t${tsv(p.source)}\t${tsv(p.source_version)}\t${p.source_date}\n`;
  let rows = 0;
  for (const f of source.files) {
    if (!existsSync(f.path)) throw new DictionaryFilesError(f.path, 'range file not found');
    rows += readIpAsnRanges(
      f.path,
      f.family,
      (r) => {
        lines.push(`${r.network}\t${r.asn}\t${tsv(r.asn_name)}\t${tail}`);
        if (lines.length >= 100_000) {
          chunks.push(lines.join(''));
          lines = [];
        }
      },
      names,
    );
  }
  if (lines.length > 0) chunks.push(lines.join(''));
  return { chunks, rows, names };
}

/**
 * Kind rows for every ASN of the table that the curated list does not name: the name
 * classifier's guess, with its own provenance (rules version, the table's date).
 */
export function classifiedKinds(
  names: Map<number, string>,
  curated: ReadonlySet<number>,
  date: string,
): Row[] {
  const rows: Row[] = [];
  for (const [asn, name] of names) {
    if (curated.has(asn)) continue;
    rows.push({
      asn,
      asn_name: (name || `AS${asn}`).slice(0, 200),
      label: classifyAsnName(name),
      note: 'kind guessed from the organisation name',
      source: 'ja4-platform ASN name classifier (appliance/common/migrate/asn-kind.ts)',
      source_version: ASN_CLASSIFIER_VERSION,
      source_date: date,
    });
  }
  return rows;
}
