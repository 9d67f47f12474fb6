/**
 * Decodes a JA4 (FoxIO, technical_details/JA4.md) into what an analyst reads:
 * JA4_a = protocol (t TCP, q QUIC, d DTLS), TLS version, SNI flag (d = a domain was sent,
 * i = none / an IP), two-digit cipher and extension counts (capped at 99, GREASE excluded),
 * first and last characters of the first ALPN value ("00" = no ALPN);
 * JA4_b = first 12 hex of SHA-256 of the sorted cipher list;
 * JA4_c = first 12 hex of SHA-256 of the sorted extensions (without SNI and ALPN) and the
 * signature algorithms in their original order.
 */
export interface DecodedJa4 {
  ja4: string;
  valid: boolean;
  protocol?: string;
  tls_version?: string;
  sni?: string;
  cipher_count?: number;
  extension_count?: number;
  alpn?: string;
  cipher_hash?: string;
  extension_hash?: string;
}

const PROTOCOLS: Record<string, string> = { t: 'TLS over TCP', q: 'QUIC', d: 'DTLS' };
const VERSIONS: Record<string, string> = {
  '13': 'TLS 1.3',
  '12': 'TLS 1.2',
  '11': 'TLS 1.1',
  '10': 'TLS 1.0',
  s3: 'SSL 3.0',
  s2: 'SSL 2.0',
  d1: 'DTLS 1.0',
  d2: 'DTLS 1.2',
  d3: 'DTLS 1.3',
  '00': 'unknown',
};
const ALPNS: Record<string, string> = { h2: 'h2 (HTTP/2)', h1: 'http/1.1', h3: 'h3 (HTTP/3)', '00': 'none' };

const SHAPE = /^([tqd])([0-9a-z]{2})([di])(\d{2})(\d{2})([0-9A-Za-z]{2})_([0-9a-f]{12})_([0-9a-f]{12})$/;

export function decodeJa4(ja4: string): DecodedJa4 {
  const m = SHAPE.exec(ja4);
  if (!m) return { ja4, valid: false };
  return {
    ja4,
    valid: true,
    protocol: PROTOCOLS[m[1]],
    tls_version: VERSIONS[m[2]] ?? `unknown (${m[2]})`,
    sni: m[3] === 'd' ? 'domain name sent' : 'no SNI (IP or none)',
    cipher_count: Number(m[4]),
    extension_count: Number(m[5]),
    alpn: ALPNS[m[6]] ?? `starts "${m[6][0]}", ends "${m[6][1]}"`,
    cipher_hash: m[7],
    extension_hash: m[8],
  };
}
