/**
 * IPv4 ranges the seeder and the traffic generator draw client addresses from. These are the
 * demo data's documented ranges; the shipped dictionaries (migrations/dictionaries/*.csv) map them to the
 * same ASNs and labels, and the integration test checks that through dict_ip_asn, so a drift
 * between the two shows up as a failing test rather than as silently mislabelled data.
 */
export interface Ipv4Range {
  cidr: string;
  asn: number;
  org: string;
}

/** Residential access networks (ISPs: asn_reputation.csv's kind `isp`). */
export const HUMAN_RANGES: readonly Ipv4Range[] = [
  { cidr: '90.0.0.0/9', asn: 3215, org: 'Orange' },
  { cidr: '82.64.0.0/14', asn: 12322, org: 'Free' },
  { cidr: '78.41.0.0/16', asn: 15557, org: 'SFR' },
];

/** Hosting networks scanners and brute-forcers come from. */
export const DATACENTER_RANGES: readonly Ipv4Range[] = [
  { cidr: '45.155.0.0/16', asn: 0, org: 'hosting' },
  { cidr: '193.32.0.0/16', asn: 0, org: 'hosting' },
];

/** Tor exit relays (the traffic generator's third bot range). */
export const TOR_RANGE: Ipv4Range = { cidr: '185.220.100.0/22', asn: 0, org: 'Tor exits' };

export interface ParsedCidr {
  base: number;
  prefix: number;
  size: number;
}

/** Parses "a.b.c.d" into an unsigned 32-bit integer, or returns null. */
export function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

export function intToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses "a.b.c.d/len" (or a bare address as /32); null when it is not IPv4 CIDR. */
export function parseCidr(cidr: string): ParsedCidr | null {
  const [ip, len = '32'] = cidr.trim().split('/');
  const addr = ipv4ToInt(ip);
  const prefix = Number(len);
  if (addr === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const base = addr - (addr % size);
  return { base, prefix, size };
}

export function cidrContains(cidr: ParsedCidr, ip: string): boolean {
  const n = ipv4ToInt(ip);
  return n !== null && n >= cidr.base && n < cidr.base + cidr.size;
}

/**
 * The k-th address of a range under a fixed permutation: k → (k·A + salt) mod size with A odd is a
 * bijection on a power-of-two range, so distinct k give distinct addresses until the range is
 * exhausted, and consecutive sessions do not get neighbouring addresses. Addresses ending in .0 or
 * .255 are stepped over (they look like network/broadcast addresses to a reader).
 */
export function addressInRange(cidr: ParsedCidr, k: number, salt = 0): string {
  if (cidr.size <= 2) return intToIpv4(cidr.base + (k % cidr.size));
  const A = 0x9e3779b1; // odd: golden-ratio multiplier
  // size divides 2^32, so reducing the 32-bit product mod size equals reducing the full product.
  let offset = ((Math.imul(k, A) + salt) >>> 0) % cidr.size;
  let n = cidr.base + offset;
  while ((n & 255) === 0 || (n & 255) === 255) {
    offset = (offset + 1) % cidr.size;
    n = cidr.base + offset;
  }
  return intToIpv4(n);
}

/** Loopback targets the traffic generator may always use (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3). */
export function isLoopbackAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const n = ipv4ToInt(v4);
  if (n !== null) return n >>> 24 === 127;
  return ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}
