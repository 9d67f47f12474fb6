import ipaddr from 'ipaddr.js';
import { SEARCH_FIELDS, type SearchField, type SearchTerm } from '../api/index.js';
import { JA4_SHAPE } from './blocklist.js';
import { canonicalIp } from './canonical-ip.js';

export type SearchKind = { kind: SearchField; value: string };

const FIELD_ALIASES: Record<string, SearchField> = {
  as: 'asn',
  useragent: 'ua',
  'user-agent': 'ua',
  user_agent: 'ua',
};
/** A JA4 prefix an analyst may search by: the start of a JA4 followed by `*`. */
const JA4_PREFIX = /^[tqd][0-9a-z_]{0,35}\*$/;
const HOST_LIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i;

/**
 * What a bare word means: an IP, a CIDR, a JA4 (or JA4 prefix ending in `*`), a JA3 MD5, an AS
 * number (`AS204428`), an HTTP status, a path (starts with `/`), a host name (dotted), or else
 * text in the user agent.
 */
export function classifySearch(input: string): SearchKind {
  const q = input.trim();
  const ip = canonicalIp(q);
  if (ip !== undefined) return { kind: 'ip', value: ip };
  if (q.includes('/') && !q.startsWith('/')) {
    const net = cidrOf(q);
    if (net) return { kind: 'cidr', value: net };
  }
  if (JA4_SHAPE.test(q) || JA4_PREFIX.test(q)) return { kind: 'ja4', value: q };
  if (/^[0-9a-f]{32}$/i.test(q)) return { kind: 'ja3', value: q.toLowerCase() };
  if (/^as\d{1,10}$/i.test(q)) return { kind: 'asn', value: q.slice(2) };
  if (/^[1-5]\d\d$|^[1-5]xx$/i.test(q)) return { kind: 'status', value: q.toLowerCase() };
  if (q.startsWith('/')) return { kind: 'path', value: q };
  if (HOST_LIKE.test(q) || q.includes('/')) return { kind: 'host', value: q.toLowerCase() };
  return { kind: 'ua', value: q };
}

function cidrOf(q: string): string | undefined {
  try {
    const [addr, bits] = ipaddr.parseCIDR(q);
    const net = (addr.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(q);
    return `${addr.kind() === 'ipv6' ? (net as ipaddr.IPv6).toRFC5952String() : net.toString()}/${bits}`;
  } catch {
    return undefined;
  }
}

/** Splits a query into words; "double quotes" keep spaces inside one (`ua:"Mozilla/5.0 (X11"`). */
function words(q: string): string[] {
  return [...q.matchAll(/(\S+?:)?"([^"]*)"|\S+/g)].map((m) =>
    m[2] !== undefined ? `${m[1] ?? ''}${m[2]}` : m[0],
  );
}

/** Validates one `field:value` term; returns the term or why it was refused. */
function term(field: SearchField, raw: string): SearchTerm | string {
  const v = raw.trim();
  if (v === '') return `${field}: needs a value`;
  switch (field) {
    case 'ip': {
      const ip = canonicalIp(v);
      return ip ? { field, value: ip, words: `address ${ip}` } : `ip:${v} is not an IP address`;
    }
    case 'cidr': {
      const net = cidrOf(v);
      return net
        ? { field, value: net, words: `addresses in ${net}` }
        : `cidr:${v} is not a network (e.g. 10.0.0.0/8)`;
    }
    case 'ja4':
      if (JA4_SHAPE.test(v)) return { field, value: v, words: `JA4 ${v}` };
      return JA4_PREFIX.test(v)
        ? { field, value: v, words: `JA4 starting ${v.slice(0, -1)}` }
        : `ja4:${v} is neither a JA4 (a_b_c) nor a prefix ending in *`;
    case 'ja3':
      return /^[0-9a-f]{32}$/i.test(v)
        ? { field, value: v.toLowerCase(), words: `JA3 ${v.toLowerCase()}` }
        : `ja3:${v} is not a JA3 (32 hex digits)`;
    case 'asn': {
      const m = /^(?:as)?(\d{1,10})$/i.exec(v);
      return m && Number(m[1]) <= 0xffff_ffff
        ? { field, value: String(Number(m[1])), words: `AS${Number(m[1])}` }
        : `asn:${v} is not an AS number`;
    }
    case 'status':
      return /^[1-5](\d\d|xx)$/i.test(v)
        ? { field, value: v.toLowerCase(), words: `status ${v.toLowerCase()}` }
        : `status:${v} is not an HTTP status (e.g. 404 or 4xx)`;
    case 'host':
      return { field, value: v.toLowerCase(), words: `host containing “${v.toLowerCase()}”` };
    case 'path':
      return { field, value: v, words: `path containing “${v}”` };
    case 'ua':
      return { field, value: v, words: `user agent containing “${v}”` };
  }
}

/** The search language: terms AND-ed, each `field:value` or a bare word classified. */
export function parseSearch(q: string): { terms: SearchTerm[]; errors: string[] } {
  const terms: SearchTerm[] = [];
  const errors: string[] = [];
  for (const w of words(q)) {
    const m = /^([a-z][a-z0-9_-]*):(.*)$/i.exec(w);
    const name = m?.[1].toLowerCase() ?? '';
    const field: SearchField | undefined =
      FIELD_ALIASES[name] ??
      ((SEARCH_FIELDS as readonly string[]).includes(name) ? (name as SearchField) : undefined);
    const bare = classifySearch(w);
    const t = m && field ? term(field, m[2]) : term(bare.kind, bare.value);
    if (typeof t === 'string') errors.push(t);
    else terms.push(t);
  }
  return { terms, errors };
}
