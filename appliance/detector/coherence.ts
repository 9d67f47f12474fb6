/**
 * Cross-layer coherence: what a client claims in its User-Agent against what its TLS stack (JA4)
 * and its TCP stack (the SYN) show. A browser's UA, ClientHello and SYN come from three layers
 * that a lying client rarely keeps consistent (FoxIO, "JA4+ Network Fingerprinting": JA4 and
 * JA4T identify the TLS library and the OS stack independently of the UA).
 */

import { isBrowserFamily, type TlsFamily } from './tls-family.js';
import { isBrowserClaim, type UaClaim } from './user-agent.js';

export type TcpStack = 'windows' | 'linux' | 'apple' | 'unix' | 'scanner' | 'unknown';

/** The OS family of a TCP SYN, from its option layout first and its TTL second (FoxIO JA4T). */
export function tcpStack(ttl: number | null, window: number | null, options: string): TcpStack {
  if (ttl === null && window === null && options === '') return 'unknown';
  if (options === '2-1-3-1-1-4' || options === '2-1-3-1-1-4-1-1') return 'windows';
  if (options.startsWith('2-1-3-1-1-8-4')) return 'apple';
  if (options === '2-4-8-1-3' || options === '2-4-1-1-8-1-3') return 'linux';
  // No options, or MSS alone, with a small window: a raw-socket scanner (masscan, zmap, nmap -sS).
  if (options === '' || options === '2' || (window !== null && window <= 4096)) return 'scanner';
  if (ttl === null) return 'unknown';
  const initial = ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
  return initial === 128 ? 'windows' : initial === 64 ? 'unix' : 'scanner';
}

/**
 * 1 when the browser the UA claims contradicts the TLS family (another engine, or a library's or
 * malware's TLS), 0 when they agree, 0.5 when it cannot be checked (an unknown JA4, an uncommon
 * browser). A UA that claims no browser has nothing to contradict here: declared automation and
 * empty UAs are their own signals (declaredAutomation). No TLS: NaN, the feature does not apply.
 */
export function uaTlsMismatch(claim: UaClaim, family: TlsFamily): number {
  if (family === 'none') return Number.NaN;
  if (!isBrowserClaim(claim.client)) return claim.client === 'other' && isBrowserFamily(family) ? 0.5 : 0;
  if (family === 'unknown' || family === 'other') return 0.5;
  return claim.client === family ? 0 : 1;
}

/**
 * 1 when the UA declares automation (a crawler, library or tool, by isbot), 0.5 when it claims no
 * client at all or one that is neither a browser nor a known bot, 0 for a browser claim.
 */
export function declaredAutomation(claim: UaClaim): number {
  if (claim.declared) return 1;
  return isBrowserClaim(claim.client) ? 0 : 0.5;
}

/**
 * 1 when the OS the UA claims contradicts the SYN (a Windows UA with a TTL-64 Linux SYN, a Mac UA
 * with Linux's option order, any desktop UA from a raw-socket SYN), 0 when they agree or nothing is
 * claimed, 0.5 when there is no SYN to check against.
 */
export function uaTcpMismatch(claim: UaClaim, stack: TcpStack): number {
  if (claim.os === 'unknown') return isBrowserClaim(claim.client) ? 0.5 : 0;
  if (stack === 'unknown') return 0.5;
  if (stack === 'scanner') return 1;
  switch (claim.os) {
    case 'windows':
      return stack === 'windows' ? 0 : 1;
    case 'mac':
    case 'ios':
      return stack === 'apple' || stack === 'unix' ? 0 : 1;
    case 'linux':
    case 'android':
      return stack === 'linux' || stack === 'unix' ? 0 : 1;
  }
}
