import { digestHex, putAscii, scratchOf } from './ascii-scratch.js';
import { type ClientHello, isGrease } from './client-hello.js';
import { putHex4 } from './hex.js';
import { type Ja4Parts, type Ja4Transport, ja4Parts } from './ja4-parts.js';

/** The four JA4 forms (FoxIO technical_details/JA4.md). */
export interface Ja4Fingerprints {
  /** Sorted lists, hashed. */
  ja4: string;
  /** Sorted lists, raw. */
  ja4_r: string;
  /** Lists in wire order, hashed. */
  ja4_o: string;
  /** Lists in wire order, raw. */
  ja4_ro: string;
}

/** 'sorted' gives ja4 and ja4_r; 'original' (wire order) gives ja4_o and ja4_ro. */
export type Ja4Order = 'sorted' | 'original';

/** One order of a JA4, rendered raw and hashed. */
export interface Ja4Rendering {
  raw: string;
  hashed: string;
}

const UNDERSCORE = 0x5f;
const COMMA = 0x2c;
const EMPTY_HASH = '000000000000'; // JA4.md: "makes it clear to the user when a field has no values"

// Reused across calls, grown on demand: the sorted copies of a Ja4Parts' lists.
let sortedCiphers: Uint16Array = new Uint16Array(256);
let sortedExtensions: Uint16Array = new Uint16Array(256);

/** list[0, n) copied into `into` (grown when short) and sorted ascending. */
function sortedCopy(list: Uint16Array, n: number, into: Uint16Array): Uint16Array {
  const out = into.length >= n ? into : new Uint16Array(Math.max(n, 2 * into.length));
  for (let i = 0; i < n; i++) out[i] = list[i];
  if (n > 48) {
    out.subarray(0, n).sort();
    return out;
  }
  // Insertion sort: ClientHello lists are short, and it beats the native sort's call overhead.
  for (let i = 1; i < n; i++) {
    const v = out[i];
    let j = i - 1;
    while (j >= 0 && out[j] > v) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = v;
  }
  return out;
}

/** Writes list[0, n) as comma-separated hex at `pos`; returns the next position. */
function putHexList(b: Buffer, pos: number, list: Uint16Array, n: number): number {
  for (let i = 0; i < n; i++) {
    if (i !== 0) b[pos++] = COMMA;
    pos = putHex4(b, pos, list[i]);
  }
  return pos;
}

/** Writes "_" and the GREASE-free signature algorithms, or nothing when there are none. */
function putSignatureTail(b: Buffer, pos: number, algorithms: readonly number[]): number {
  let first = true;
  for (let i = 0; i < algorithms.length; i++) {
    const v = algorithms[i];
    if (isGrease(v)) continue;
    b[pos++] = first ? UNDERSCORE : COMMA;
    first = false;
    pos = putHex4(b, pos, v);
  }
  return pos;
}

/** The first 12 hex digits of the SHA-256 of scratch bytes [from, to) (JA4.md "truncated SHA256"). */
function hash12(b: Buffer, from: number, to: number): string {
  return digestHex('sha256', b, from, to).slice(0, 12);
}

/**
 * Renders one order of the parts: the raw string "prefix_ciphers_extensions[_signatures]" is
 * written once into the scratch buffer and both hashes are taken over its pieces in place. JA4.md:
 * "If there are no signature algorithms in the hello packet, then the string ends without an
 * underscore and is hashed"; an empty list hashes to twelve zeros.
 */
export function renderJa4(parts: Ja4Parts, order: Ja4Order): Ja4Rendering {
  const cipherCount = parts.cipherCount;
  let ciphers = parts.ciphers;
  let extensions = parts.extensions;
  let extensionCount = parts.extensionCount;
  if (order === 'sorted') {
    sortedCiphers = sortedCopy(parts.ciphers, cipherCount, sortedCiphers);
    sortedExtensions = sortedCopy(parts.sortableExtensions, parts.sortableCount, sortedExtensions);
    ciphers = sortedCiphers;
    extensions = sortedExtensions;
    extensionCount = parts.sortableCount;
  }
  const { prefix, signatureAlgorithms } = parts;
  const b = scratchOf(prefix.length + 2 + 5 * (cipherCount + extensionCount + signatureAlgorithms.length));
  let p = putAscii(b, 0, prefix);
  b[p++] = UNDERSCORE;
  const ciphersFrom = p;
  p = putHexList(b, p, ciphers, cipherCount);
  const ciphersTo = p;
  b[p++] = UNDERSCORE;
  const extensionsFrom = p;
  p = putHexList(b, p, extensions, extensionCount);
  const end = putSignatureTail(b, p, signatureAlgorithms);
  const cipherHash = cipherCount === 0 ? EMPTY_HASH : hash12(b, ciphersFrom, ciphersTo);
  const extensionHash = extensionCount === 0 ? EMPTY_HASH : hash12(b, extensionsFrom, end);
  return { raw: b.toString('latin1', 0, end), hashed: `${prefix}_${cipherHash}_${extensionHash}` };
}

/** JA4, JA4_r, JA4_o and JA4_ro of one ClientHello. */
export function computeJa4(ch: ClientHello, transport: Ja4Transport): Ja4Fingerprints {
  const parts = ja4Parts(ch, transport);
  const original = renderJa4(parts, 'original');
  const sorted = renderJa4(parts, 'sorted');
  return { ja4: sorted.hashed, ja4_r: sorted.raw, ja4_o: original.hashed, ja4_ro: original.raw };
}
