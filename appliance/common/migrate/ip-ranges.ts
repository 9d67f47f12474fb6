import ipaddr from 'ipaddr.js';

/**
 * Inclusive address ranges (first, last) as CIDR blocks: the ip_trie dictionary keys prefixes,
 * while range data sets (ip-location-db's asn-ipv4.csv / asn-ipv6.csv and their -num twins:
 * start, end, ASN, name) give arbitrary ranges. A range splits into the fewest aligned blocks that
 * cover it exactly (at most 2 × (bits − 1); most ranges of routing data are one prefix already).
 * Half a million ranges go through here on every full load, so addresses are parsed once into a
 * bigint and blocks are printed without a round trip through an address object.
 */

export type RangeResult = { ok: true; cidrs: string[] } | { ok: false; reason: string };

/** An address (dotted quad, IPv6 text) or its decimal integer form, as (value, bits); undefined if neither. */
export function parseAddress(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  if (/^\d+$/.test(text)) return undefined;
  try {
    const addr = ipaddr.parse(text);
    let v = 0n;
    for (const byte of addr.toByteArray()) v = (v << 8n) | BigInt(byte);
    return { value: v, bits: addr.kind() === 'ipv4' ? 32 : 128 };
  } catch {
    return undefined;
  }
}

/** The CIDRs covering [first, last] exactly; `first`/`last` are addresses or decimal integers. */
export function rangeToCidrs(first: string, last: string, family?: 4 | 6): RangeResult {
  const a = endpoint(first, family);
  const b = endpoint(last, family ?? (a ? (a.bits === 32 ? 4 : 6) : undefined));
  if (!a || !b) return { ok: false, reason: `"${first}"–"${last}" is not a pair of IP addresses` };
  if (a.bits !== b.bits) return { ok: false, reason: `"${first}" and "${last}" are not the same family` };
  if (a.value > b.value) return { ok: false, reason: `range starts after it ends ("${first}" > "${last}")` };
  return { ok: true, cidrs: blocks(a.value, b.value, a.bits) };
}

function endpoint(text: string, family?: 4 | 6): { value: bigint; bits: 32 | 128 } | undefined {
  if (/^\d{1,39}$/.test(text)) {
    // The -num files: decimal integers; the family comes from the file (IPv4 fits in 32 bits).
    const value = BigInt(text);
    const bits = family === 6 ? 128 : family === 4 ? 32 : value <= 0xffffffffn ? 32 : 128;
    return value < 1n << BigInt(bits) ? { value, bits } : undefined;
  }
  return parseAddress(text);
}

function blocks(lo: bigint, hi: bigint, bits: 32 | 128): string[] {
  const out: string[] = [];
  while (lo <= hi) {
    // The largest block aligned at `lo` (its trailing zero bits) that does not pass `hi`.
    let size = lo === 0n ? bits : trailingZeros(lo);
    while (size > 0 && lo + (1n << BigInt(size)) - 1n > hi) size--;
    out.push(`${format(lo, bits)}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

function trailingZeros(v: bigint): number {
  let n = 0;
  while ((v & 0xffffn) === 0n) {
    v >>= 16n;
    n += 16;
  }
  while ((v & 1n) === 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

/** Dotted quad, or eight hexadecimal groups (valid RFC 4291 text; ClickHouse parses either form). */
function format(v: bigint, bits: 32 | 128): string {
  if (bits === 32) {
    const n = Number(v);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups: string[] = new Array(8);
  for (let i = 7; i >= 0; i--) {
    groups[i] = Number(v & 0xffffn).toString(16);
    v >>= 16n;
  }
  return groups.join(':');
}
