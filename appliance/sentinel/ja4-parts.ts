import { type ClientHello, EXT_ALPN, EXT_SERVER_NAME, isGrease } from './client-hello.js';
import { hexDigit } from './hex.js';
import { offeredVersion, versionCode } from './tls-versions.js';

/** JA4 first character: "QUIC=q, DTLS=d, or TLS over TCP=t" (JA4.md, JA4 Algorithm). */
export type Ja4Transport = 't' | 'q' | 'd';

/**
 * What a JA4 is made of, before it is rendered (FoxIO rust/ja4's PartsOfClientFingerprint): the
 * readable prefix and the GREASE-free lists the two hashes are taken over. Each list is the
 * first `…Count` entries of a buffer that the next ja4Parts() call reuses (no allocation per
 * ClientHello): render the parts before building others.
 */
export interface Ja4Parts {
  /** JA4_a: transport, version code, SNI flag (d/i), cipher count, extension count, ALPN code. */
  readonly prefix: string;
  /** Cipher suites in wire order, GREASE removed. */
  readonly ciphers: Uint16Array;
  readonly cipherCount: number;
  /** Extensions in wire order, GREASE removed, SNI and ALPN included (the original-order form keeps them). */
  readonly extensions: Uint16Array;
  readonly extensionCount: number;
  /** The extensions without SNI and ALPN: JA4.md sorts them after "Ignore the SNI extension (0000) and the ALPN extension (0010)". */
  readonly sortableExtensions: Uint16Array;
  readonly sortableCount: number;
  /** Signature algorithms in wire order (GREASE is skipped when rendered). */
  readonly signatureAlgorithms: readonly number[];
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
  return hexDigit(a >> 4) + hexDigit(z);
}

/** A list count as two digits; JA4.md: "If there's > 99 … then output 99". */
function countCode(n: number): string {
  const c = Math.min(n, 99);
  return c < 10 ? `0${c}` : `${c}`;
}

// Reused across calls, grown on demand: the GREASE-free lists of the current ClientHello.
let cipherSpace: Uint16Array = new Uint16Array(256);
let extensionSpace: Uint16Array = new Uint16Array(256);
let sortableSpace: Uint16Array = new Uint16Array(256);

function room(a: Uint16Array, n: number): Uint16Array {
  return a.length >= n ? a : new Uint16Array(Math.max(n, 2 * a.length));
}

/** The parts of one ClientHello's JA4 for `transport`. */
export function ja4Parts(ch: ClientHello, transport: Ja4Transport): Ja4Parts {
  const { ciphers, extensions } = ch;
  cipherSpace = room(cipherSpace, ciphers.length);
  extensionSpace = room(extensionSpace, extensions.length);
  sortableSpace = room(sortableSpace, extensions.length);
  let cipherCount = 0;
  for (let i = 0; i < ciphers.length; i++) if (!isGrease(ciphers[i])) cipherSpace[cipherCount++] = ciphers[i];
  let extensionCount = 0;
  let sortableCount = 0;
  let hasSni = false;
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    if (isGrease(e)) continue;
    extensionSpace[extensionCount++] = e;
    if (e === EXT_SERVER_NAME) hasSni = true;
    else if (e !== EXT_ALPN) sortableSpace[sortableCount++] = e;
  }
  const prefix =
    transport +
    versionCode(offeredVersion(ch)) +
    (hasSni ? 'd' : 'i') +
    countCode(cipherCount) +
    countCode(extensionCount) +
    alpnCode(ch.alpnFirst);
  return {
    prefix,
    ciphers: cipherSpace,
    cipherCount,
    extensions: extensionSpace,
    extensionCount,
    sortableExtensions: sortableSpace,
    sortableCount,
    signatureAlgorithms: ch.signatureAlgorithms,
  };
}
