import { type ClientHello, isGrease } from './client-hello.js';

/**
 * The one table of TLS and DTLS protocol versions: each wire value with its JA4 code (JA4.md
 * "TLS and DTLS Version": a 2-character code, "Unknown = 00") and the name records carry.
 */
const TLS_VERSIONS: ReadonlyMap<number, { readonly ja4: string; readonly name: string }> = new Map([
  [0x0304, { ja4: '13', name: '1.3' }], // RFC 8446
  [0x0303, { ja4: '12', name: '1.2' }], // RFC 5246
  [0x0302, { ja4: '11', name: '1.1' }], // RFC 4346
  [0x0301, { ja4: '10', name: '1.0' }], // RFC 2246
  [0x0300, { ja4: 's3', name: 'ssl3' }], // RFC 6101
  [0x0002, { ja4: 's2', name: 'ssl2' }],
  [0xfeff, { ja4: 'd1', name: 'dtls1.0' }], // RFC 4347
  [0xfefd, { ja4: 'd2', name: 'dtls1.2' }], // RFC 6347
  [0xfefc, { ja4: 'd3', name: 'dtls1.3' }], // RFC 9147
]);

/** JA4's 2-character version code; "00" for a version JA4.md does not name. */
export function versionCode(v: number): string {
  return TLS_VERSIONS.get(v)?.ja4 ?? '00';
}

/** "1.3", "1.2", … "ssl3", "dtls1.2", …; "0x…" (4 hex digits) for any other value. */
export function versionName(v: number): string {
  return TLS_VERSIONS.get(v)?.name ?? `0x${v.toString(16).padStart(4, '0')}`;
}

/** Orders versions by age; DTLS counts downwards (0xfeff = 1.0 < 0xfefd = 1.2 < 0xfefc = 1.3). */
function versionRank(v: number): number {
  return v >= 0xfe00 ? 0x10000 + (0xffff - v) : v;
}

/**
 * JA4.md: "If extension 0x002b exists (supported_versions), then the version is the highest value
 * in the extension. Remember to ignore GREASE values. If the extension doesn't exist, then the TLS
 * version is the value of the Protocol Version." We read "highest" as the newest version, so
 * DTLS 1.3 (0xfefc) beats DTLS 1.2 (0xfefd) although its number is lower.
 */
export function offeredVersion(ch: ClientHello): number {
  let newest = -1;
  for (const v of ch.supportedVersions) {
    if (isGrease(v)) continue;
    if (newest < 0 || versionRank(v) > versionRank(newest)) newest = v;
  }
  return newest < 0 ? ch.legacyVersion : newest;
}
