import ipaddr from 'ipaddr.js';
import { JA4_SHAPE } from './blocklist.js';

export type SearchKind =
  | { kind: 'ip'; value: string }
  | { kind: 'cidr'; value: string }
  | { kind: 'ja4'; value: string }
  | { kind: 'ja3'; value: string }
  | { kind: 'host'; value: string };

/** Classifies what an analyst typed: an IP, a CIDR, a JA4, a JA3 MD5 or else a host name. */
export function classifySearch(input: string): SearchKind {
  const q = input.trim();
  if (ipaddr.isValid(q)) return { kind: 'ip', value: ipaddr.process(q).toString() };
  if (q.includes('/')) {
    try {
      const [net, bits] = ipaddr.parseCIDR(q);
      return { kind: 'cidr', value: `${net.toString()}/${bits}` };
    } catch {
      // not a CIDR: fall through to the text kinds
    }
  }
  if (JA4_SHAPE.test(q)) return { kind: 'ja4', value: q };
  if (/^[0-9a-f]{32}$/i.test(q)) return { kind: 'ja3', value: q.toLowerCase() };
  return { kind: 'host', value: q.toLowerCase() };
}
