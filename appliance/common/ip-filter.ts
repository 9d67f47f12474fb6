import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses an address or CIDR; a bare address is a /32 or /128. Throws on bad input. */
export function parseRange(text: string): Range {
  if (text.includes('/')) return ipaddr.parseCIDR(text);
  const addr = ipaddr.parse(text);
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}

export function isValidCidr(text: string): boolean {
  try {
    parseRange(text);
    return true;
  } catch {
    return false;
  }
}

export interface IpFilter {
  /** True when events from/to this address should be kept. Unparseable addresses are kept. */
  keep(ip: string): boolean;
}

/**
 * CIDR allow/deny lists over IPv4 and IPv6 (IPv4-mapped IPv6 addresses count as IPv4).
 * Deny wins; a non-empty allow list keeps only what it matches. Used by the sentinel and the
 * correlator to ignore internal traffic such as health checks.
 */
export function createIpFilter(lists: { allow?: readonly string[]; deny?: readonly string[] }): IpFilter {
  const allow = (lists.allow ?? []).map(parseRange);
  const deny = (lists.deny ?? []).map(parseRange);
  if (allow.length === 0 && deny.length === 0) return { keep: () => true };
  const matches = (addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]) =>
    ranges.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));
  return {
    keep(ip: string): boolean {
      let addr: ipaddr.IPv4 | ipaddr.IPv6;
      try {
        addr = ipaddr.process(ip);
      } catch {
        return true;
      }
      if (matches(addr, deny)) return false;
      return allow.length === 0 || matches(addr, allow);
    },
  };
}
