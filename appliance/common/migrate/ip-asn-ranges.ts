import { readFileSync } from 'node:fs';
import { DictionaryRowError } from './errors.js';
import { rangeToCidrs } from './ip-ranges.js';

/**
 * The whole internet's IP → ASN table from range files in ip-location-db's layout
 * (`ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization`, no
 * header; the -num files give the addresses as integers): asn-ipv4.csv / asn-ipv6.csv or
 * asn-ipv4-num.csv / asn-ipv6-num.csv. The first three fields never hold a comma or a quote; the
 * organisation may be quoted (RFC 4180) and is everything after the third comma.
 */
export interface IpAsnRow {
  network: string;
  asn: number;
  asn_name: string;
  country: string;
}

/** The range files a folder may hold, in the order they are read (the text form wins over -num). */
export const RANGE_FILES: readonly { file: string; family: 4 | 6 }[] = [
  { file: 'asn-ipv4.csv', family: 4 },
  { file: 'asn-ipv6.csv', family: 6 },
  { file: 'asn-ipv4-num.csv', family: 4 },
  { file: 'asn-ipv6-num.csv', family: 6 },
];

/**
 * Parses one range file into CIDR rows; calls `each` for every row so a caller can batch inserts
 * without holding the whole table twice. Returns the row count and the distinct ASN names seen.
 * A bad line throws DictionaryRowError naming the file and line.
 */
export function readIpAsnRanges(
  path: string,
  family: 4 | 6,
  each: (row: IpAsnRow) => void,
  names?: Map<number, string>,
): number {
  const text = readFileSync(path, 'utf8');
  let rows = 0;
  let line = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (raw === '' || raw.startsWith('#')) continue;
    const c1 = raw.indexOf(',');
    const c2 = raw.indexOf(',', c1 + 1);
    const c3 = raw.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0) throw new DictionaryRowError(path, line, 'expected start,end,asn,name');
    const asn = Number(raw.slice(c2 + 1, c3));
    if (!Number.isInteger(asn) || asn < 0 || asn > 4_294_967_295) {
      throw new DictionaryRowError(path, line, `"${raw.slice(c2 + 1, c3)}" is not an AS number`);
    }
    // AS0 (RFC 7607) marks space that no one may originate: keep no row for it.
    if (asn === 0) continue;
    const name = unquote(raw.slice(c3 + 1));
    const range = rangeToCidrs(raw.slice(0, c1), raw.slice(c1 + 1, c2), family);
    if (!range.ok) throw new DictionaryRowError(path, line, range.reason);
    for (const network of range.cidrs) each({ network, asn, asn_name: name.slice(0, 200), country: '' });
    rows += range.cidrs.length;
    if (names && !names.has(asn)) names.set(asn, name);
  }
  return rows;
}

function unquote(field: string): string {
  if (!field.startsWith('"')) return field.trim();
  const inner = field.endsWith('"') && field.length > 1 ? field.slice(1, -1) : field.slice(1);
  return inner.replaceAll('""', '"').trim();
}
