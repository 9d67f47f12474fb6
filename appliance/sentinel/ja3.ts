import { digestHex, putDec, scratchOf } from './ascii-scratch.js';
import { type ClientHello, isGrease } from './client-hello.js';

export interface Ja3Fingerprint {
  /** JA3 MD5 (lower-case hex). */
  ja3: string;
  /** The JA3 string before hashing. */
  ja3_full: string;
}

/** Writes the GREASE-free list as '-'-separated decimals at `pos`; returns the next position. */
function putDecList(b: Buffer, pos: number, list: number[]): number {
  let first = true;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    // salesforce/ja3: GREASE values (RFC 8701) are ignored in every list.
    if (isGrease(v)) continue;
    if (!first) b[pos++] = 0x2d; // '-'
    first = false;
    pos = putDec(b, pos, v);
  }
  return pos;
}

/**
 * JA3 (salesforce/ja3): "SSLVersion,Cipher,SSLExtension,EllipticCurve,EllipticCurvePointFormat",
 * decimal values, '-' within a field, extensions in wire order, SSLVersion = legacy_version.
 * Written once into a scratch buffer and digested in place.
 */
export function computeJa3(ch: ClientHello): Ja3Fingerprint {
  const items = ch.ciphers.length + ch.extensions.length + ch.groups.length + ch.pointFormats.length;
  const b = scratchOf(16 + 6 * items); // ≤ 5 digits and a separator per value
  let p = putDec(b, 0, ch.legacyVersion);
  b[p++] = 0x2c; // ','
  p = putDecList(b, p, ch.ciphers);
  b[p++] = 0x2c;
  p = putDecList(b, p, ch.extensions);
  b[p++] = 0x2c;
  p = putDecList(b, p, ch.groups);
  b[p++] = 0x2c;
  p = putDecList(b, p, ch.pointFormats);
  return { ja3: digestHex('md5', b, 0, p), ja3_full: b.toString('latin1', 0, p) };
}
