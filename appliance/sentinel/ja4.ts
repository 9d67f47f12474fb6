import { digestHex, putAscii, putHex4, scratchOf } from './ascii-scratch.js';
import { type ClientHello, EXT_ALPN, EXT_SERVER_NAME, isGrease } from './client-hello.js';
import { hex2 } from './hash.js';

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

// Reusable sort space for the GREASE-free cipher and extension lists (grown on demand).
let sortCiphers: Uint16Array = new Uint16Array(256);
let sortExts: Uint16Array = new Uint16Array(256);

function room(a: Uint16Array, n: number): Uint16Array {
  return a.length >= n ? a : new Uint16Array(Math.max(n, 2 * a.length));
}

/** Ascending in place over a[0, n): insertion sort for the usual short lists, else the native sort. */
function sortPrefix(a: Uint16Array, n: number): void {
  if (n > 48) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Writes list[0, n) as comma-separated hex at `pos`; returns the next position. */
function putHexList(b: Buffer, pos: number, list: Uint16Array | number[], n: number): number {
  for (let i = 0; i < n; i++) {
    if (i !== 0) b[pos++] = 0x2c; // ','
    pos = putHex4(b, pos, list[i]);
  }
  return pos;
}

/** Writes "_" and the GREASE-free signature algorithms, or nothing when there are none. */
function putSigTail(b: Buffer, pos: number, sigs: number[]): number {
  let first = true;
  for (let i = 0; i < sigs.length; i++) {
    const v = sigs[i];
    if (isGrease(v)) continue;
    b[pos++] = first ? 0x5f : 0x2c; // '_' then ','
    first = false;
    pos = putHex4(b, pos, v);
  }
  return pos;
}

/**
 * JA4, JA4_r, JA4_o and JA4_ro of one ClientHello (FoxIO technical_details/JA4.md). The raw
 * strings are written once into a scratch buffer and the hashes taken over their parts in place.
 */
export function computeJa4(ch: ClientHello, transport: Ja4Transport): Ja4Fingerprints {
  const chs = ch.ciphers;
  const exs = ch.extensions;
  sortCiphers = room(sortCiphers, chs.length);
  sortExts = room(sortExts, exs.length);
  const sc = sortCiphers;
  const se = sortExts;
  let nc = 0;
  for (let i = 0; i < chs.length; i++) if (!isGrease(chs[i])) sc[nc++] = chs[i];
  let ne = 0; // GREASE-free extensions ("Include SNI and ALPN" in the count)
  let ns = 0; // of which sortable: "Ignore the SNI extension (0000) and the ALPN extension (0010)"
  let sni = false;
  for (let i = 0; i < exs.length; i++) {
    const e = exs[i];
    if (isGrease(e)) continue;
    ne++;
    if (e === EXT_SERVER_NAME) sni = true;
    else if (e !== EXT_ALPN) se[ns++] = e;
  }
  const a =
    transport +
    versionCode(offeredVersion(ch)) +
    (sni ? 'd' : 'i') +
    twoDigits(nc) +
    twoDigits(ne) +
    alpnCode(ch.alpnFirst);

  // Two strings of at most a + 2 separators + 5 bytes per list item each.
  const b = scratchOf(2 * (a.length + 2 + 5 * (chs.length + exs.length + ch.signatureAlgorithms.length)));
  // ja4_ro: a _ ciphers (wire order) _ extensions (wire order) [_ sigs]
  let p = putAscii(b, 0, a);
  b[p++] = 0x5f;
  const coFrom = p;
  p = putHexList(b, p, sc, nc);
  const coTo = p;
  b[p++] = 0x5f;
  const eoFrom = p;
  let first = true;
  for (let i = 0; i < exs.length; i++) {
    const e = exs[i];
    if (isGrease(e)) continue;
    if (!first) b[p++] = 0x2c;
    first = false;
    p = putHex4(b, p, e);
  }
  const roEnd = putSigTail(b, p, ch.signatureAlgorithms);
  // "If there are no signature algorithms in the hello packet, then the string ends without an
  // underscore and is hashed."
  const boHash = nc === 0 ? EMPTY_HASH : digestHex('sha256', b, coFrom, coTo).slice(0, 12);
  const coHash = ne === 0 ? EMPTY_HASH : digestHex('sha256', b, eoFrom, roEnd).slice(0, 12);
  const ja4_ro = b.toString('latin1', 0, roEnd);

  // ja4_r: a _ sorted ciphers _ sorted extensions without SNI/ALPN [_ sigs in wire order]
  sortPrefix(sc, nc);
  sortPrefix(se, ns);
  p = putAscii(b, roEnd, a);
  b[p++] = 0x5f;
  const cFrom = p;
  p = putHexList(b, p, sc, nc);
  const cTo = p;
  b[p++] = 0x5f;
  const eFrom = p;
  p = putHexList(b, p, se, ns);
  const rEnd = putSigTail(b, p, ch.signatureAlgorithms);
  const bHash = nc === 0 ? EMPTY_HASH : digestHex('sha256', b, cFrom, cTo).slice(0, 12);
  const cHash = ns === 0 ? EMPTY_HASH : digestHex('sha256', b, eFrom, rEnd).slice(0, 12);
  return {
    ja4: `${a}_${bHash}_${cHash}`,
    ja4_r: b.toString('latin1', roEnd, rEnd),
    ja4_o: `${a}_${boHash}_${coHash}`,
    ja4_ro,
  };
}
