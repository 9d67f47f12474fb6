import type { SearchTerm } from '../../api/index.js';

/** The column a free-text term is tested on, for the terms whose matching values are looked up. */
export const LISTED: Partial<Record<SearchTerm['field'], string>> = { ua: 'user_agent', path: 'path' };

/** The substring test of a free-text term, its value bound as {t<i>:String}. */
export function textTest(t: SearchTerm, i: number): string {
  return t.field === 'ua'
    ? `positionCaseInsensitive(user_agent, {t${i}:String}) > 0`
    : `position(path, {t${i}:String}) > 0`;
}

/**
 * The SQL condition of one term, its value bound as {t<i>:…}. A free-text term whose matching
 * values were looked up (search-values.ts) also names them, bound as {l<i>:Array(String)}: a
 * list of equal values is what a copy sorted by that column finds by its key.
 */
export function condition(t: SearchTerm, i: number, ip: string, listed = false): string {
  const v = `{t${i}:String}`;
  switch (t.field) {
    case 'ip':
      return `${ip} = ${v}`;
    case 'cidr':
      return `isIPAddressInRange(${ip}, ${v})`;
    case 'ja4':
      return t.value.endsWith('*') ? `startsWith(ja4, replaceOne(${v}, '*', ''))` : `ja4 = ${v}`;
    case 'ja3':
      return `ja3 = ${v}`;
    case 'asn':
      return `asn = toUInt32(${v})`;
    case 'status':
      return t.value.endsWith('xx')
        ? `intDiv(status, 100) = toUInt16(substring(${v}, 1, 1))`
        : `status = toUInt16(${v})`;
    case 'host':
      return `positionCaseInsensitive(host, ${v}) > 0`;
    case 'path':
    case 'ua':
      return listed ? `${LISTED[t.field]} IN {l${i}:Array(String)} AND ${textTest(t, i)}` : textTest(t, i);
  }
}
