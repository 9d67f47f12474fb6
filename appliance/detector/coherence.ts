/**
 * Cross-layer coherence: what a client claims in its User-Agent against what its TLS stack (JA4)
 * and its TCP stack (the SYN) show. A browser's UA, ClientHello and SYN come from three layers
 * that a lying client rarely keeps consistent (FoxIO, "JA4+ Network Fingerprinting": JA4 and
 * JA4T identify the TLS library and the OS stack independently of the UA).
 */

export type BrowserFamily = 'chromium' | 'firefox' | 'safari';
export type ClaimedClient = BrowserFamily | 'tool' | 'none' | 'other';
export type ClaimedOs = 'windows' | 'mac' | 'ios' | 'linux' | 'android' | 'unknown';
export type TlsFamily = BrowserFamily | 'tool' | 'unknown';
export type TcpStack = 'windows' | 'linux' | 'apple' | 'unix' | 'scanner' | 'unknown';

export interface UaClaim {
  client: ClaimedClient;
  os: ClaimedOs;
}

/** Libraries, scanners and crawlers that say what they are in the UA. */
const TOOL_UA =
  /curl\/|wget\/|python-|python\/|aiohttp|go-http-client|okhttp|java\/|libwww|httpclient|axios|node-fetch|undici|zgrab|masscan|nmap|nikto|sqlmap|nuclei|gobuster|dirbuster|ffuf|wpscan|hydra|powershell|bot\b|crawler|spider|scrapy|headless/i;

/** The browser and OS a User-Agent string claims. */
export function parseUserAgent(ua: string): UaClaim {
  if (ua.trim() === '') return { client: 'none', os: 'unknown' };
  const os: ClaimedOs = /iPhone|iPad|iPod/.test(ua)
    ? 'ios'
    : /Android/.test(ua)
      ? 'android'
      : /Windows NT|Windows;/.test(ua)
        ? 'windows'
        : /Macintosh|Mac OS X/.test(ua)
          ? 'mac'
          : /Linux|X11|CrOS/.test(ua)
            ? 'linux'
            : 'unknown';
  if (TOOL_UA.test(ua)) return { client: 'tool', os };
  // On iOS every browser uses WebKit's network stack, so its TLS is Safari's whatever the UA says.
  if (os === 'ios' && /AppleWebKit/.test(ua)) return { client: 'safari', os };
  if (/Firefox\/|FxiOS/.test(ua)) return { client: 'firefox', os };
  if (/Chrome\/|Chromium\/|CriOS|Edg\/|OPR\//.test(ua)) return { client: 'chromium', os };
  if (/Version\/[\d.]+.*Safari\//.test(ua)) return { client: 'safari', os };
  return { client: 'other', os };
}

/**
 * JA4_b (the truncated SHA-256 of the sorted cipher list) of well-known stacks. Browsers of one
 * engine share their cipher list across versions; tools share their TLS library's.
 */
const KNOWN_CIPHER_HASHES: Readonly<Record<string, TlsFamily>> = {
  '8daaf6152771': 'chromium', // Chrome, Edge, Opera, Brave (BoringSSL)
  '5b57614c22b0': 'firefox', // Firefox (NSS)
  '2802a3db6c62': 'safari', // Safari 16+ / iOS (Apple's Network.framework)
  a09f3c656075: 'safari', // older Safari / iOS
  e8f1e7e78f70: 'tool', // curl with OpenSSL 3
  '85036bcba153': 'tool', // Python requests / urllib3
  '9dc949149365': 'tool', // Go crypto/tls
  d83cc789557e: 'tool', // Windows SChannel (PowerShell, .NET)
};

/**
 * The TLS client family a JA4 points at: by known cipher hash first, then by the shape of JA4_a
 * (JA4.md: protocol, version, SNI d/i, cipher count, extension count, ALPN first+last char).
 * Browsers always send SNI for a domain, ALPN h2 (or h3 over QUIC) and TLS 1.3; a ClientHello
 * without ALPN, with http/1.1 only, to an IP, or capped at TLS 1.2 is a library's.
 */
export function tlsFamily(ja4: string): TlsFamily {
  if (ja4.length < 10) return 'unknown';
  const parts = ja4.split('_');
  const known = KNOWN_CIPHER_HASHES[parts[1] ?? ''];
  if (known) return known;
  const a = parts[0];
  const version = a.slice(1, 3);
  const sni = a[3];
  const alpn = a.slice(8, 10);
  if (alpn === '00' || alpn === 'h1' || sni === 'i' || (version !== '13' && a[0] === 't')) return 'tool';
  return 'unknown';
}

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
 * 1 when the UA's browser contradicts the TLS family, 0 when they agree or the UA claims a tool
 * (nothing to contradict), 0.5 when it cannot be checked (no JA4, unknown JA4, no UA).
 */
export function uaTlsMismatch(claim: UaClaim, family: TlsFamily): number {
  if (claim.client === 'tool') return 0;
  if (claim.client === 'none') return family === 'tool' ? 0 : 0.5;
  if (family === 'unknown' || claim.client === 'other') return 0.5;
  return claim.client === family ? 0 : 1;
}

/**
 * 1 when the OS the UA claims contradicts the SYN (a Windows UA with a TTL-64 Linux SYN, a Mac UA
 * with Linux's option order, any desktop UA from a raw-socket SYN), 0 when they agree or nothing is
 * claimed, 0.5 when there is no SYN to check against.
 */
export function uaTcpMismatch(claim: UaClaim, stack: TcpStack): number {
  if (claim.os === 'unknown') return claim.client === 'chromium' || claim.client === 'firefox' ? 0.5 : 0;
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
