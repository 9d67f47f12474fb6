import { type ClientHello, EXT_ALPN, EXT_SERVER_NAME, isGrease } from './client-hello.js';
import { hex2, hex4, sha256Trunc12 } from './hash.js';

/** JA4 first character: "QUIC=q, DTLS=d, or TLS over TCP=t" (JA4.md, JA4 Algorithm). */
export type Ja4Transport = 't' | 'q' | 'd';

export interface Ja4Fingerprints {
  ja4: string;
  ja4_r: string;
  ja4_o: string;
  ja4_ro: string;
}

const EMPTY_HASH = '000000000000'; // JA4.md: "makes it clear to the user when a field has no values"

/** JA4.md "TLS and DTLS Version": 2-character code; "Unknown = 00". */
export function versionCode(v: number): string {
  switch (v) {
    case 0x0304:
      return '13';
    case 0x0303:
      return '12';
    case 0x0302:
      return '11';
    case 0x0301:
      return '10';
    case 0x0300:
      return 's3';
    case 0x0002:
      return 's2';
    case 0xfeff:
      return 'd1';
    case 0xfefd:
      return 'd2';
    case 0xfefc:
      return 'd3';
    default:
      return '00';
  }
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
  let best = -1;
  for (const v of ch.supportedVersions) {
    if (isGrease(v)) continue;
    if (best < 0 || versionRank(v) > versionRank(best)) best = v;
  }
  return best < 0 ? ch.legacyVersion : best;
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * JA4.md "ALPN Extension Value": first and last characters of the first ALPN value, "00" when
 * absent or empty; "If the first or last byte of the first ALPN is not an ASCII alphanumeric
 * character … we print the first and last characters of the hex representation … instead".
 */
export function alpnCode(first: Buffer | null): string {
  if (first === null || first.length === 0) return '00';
  const a = first[0];
  const z = first[first.length - 1];
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a, z);
  return hex2(a)[0] + hex2(z)[1];
}

function twoDigits(n: number): string {
  const c = Math.min(n, 99); // JA4.md: "If there's > 99 … then output 99"
  return c < 10 ? `0${c}` : `${c}`;
}

function joinHex(list: number[]): string {
  let s = '';
  for (let i = 0; i < list.length; i++) s += i === 0 ? hex4(list[i]) : `,${hex4(list[i])}`;
  return s;
}

function withoutGrease(list: number[]): number[] {
  const out: number[] = [];
  for (const v of list) if (!isGrease(v)) out.push(v);
  return out;
}

/** JA4, JA4_r, JA4_o and JA4_ro of one ClientHello (FoxIO technical_details/JA4.md). */
export function computeJa4(ch: ClientHello, transport: Ja4Transport): Ja4Fingerprints {
  const ciphers = withoutGrease(ch.ciphers);
  const exts = withoutGrease(ch.extensions);
  const sigs = joinHex(withoutGrease(ch.signatureAlgorithms));
  const a =
    transport +
    versionCode(offeredVersion(ch)) +
    (exts.includes(EXT_SERVER_NAME) ? 'd' : 'i') +
    twoDigits(ciphers.length) +
    twoDigits(exts.length) + // "Include SNI and ALPN" in the count
    alpnCode(ch.alpnFirst);

  const cOrig = joinHex(ciphers);
  const eOrig = joinHex(exts);
  ciphers.sort((x, y) => x - y);
  // "Ignore the SNI extension (0000) and the ALPN extension (0010)" in the sorted list only;
  // the original-order variant keeps them ("SNI (0000) and ALPN (0010) are included").
  const sorted: number[] = [];
  for (const e of exts) if (e !== EXT_SERVER_NAME && e !== EXT_ALPN) sorted.push(e);
  sorted.sort((x, y) => x - y);
  const cSorted = joinHex(ciphers);
  const eSorted = joinHex(sorted);
  // "If there are no signature algorithms in the hello packet, then the string ends without an
  // underscore and is hashed."
  const tail = sigs === '' ? '' : `_${sigs}`;
  const bHash = ciphers.length === 0 ? EMPTY_HASH : sha256Trunc12(cSorted);
  const boHash = ciphers.length === 0 ? EMPTY_HASH : sha256Trunc12(cOrig);
  const cHash = sorted.length === 0 ? EMPTY_HASH : sha256Trunc12(eSorted + tail);
  const coHash = exts.length === 0 ? EMPTY_HASH : sha256Trunc12(eOrig + tail);
  return {
    ja4: `${a}_${bHash}_${cHash}`,
    ja4_r: `${a}_${cSorted}_${eSorted}${tail}`,
    ja4_o: `${a}_${boHash}_${coHash}`,
    ja4_ro: `${a}_${cOrig}_${eOrig}${tail}`,
  };
}
