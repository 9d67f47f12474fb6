import { type ClientHello, isGrease } from './client-hello.js';
import { md5Hex } from './hash.js';

export interface Ja3Fingerprint {
  /** JA3 MD5 (lower-case hex). */
  ja3: string;
  /** The JA3 string before hashing. */
  ja3_full: string;
}

function joinDec(list: number[]): string {
  let s = '';
  let first = true;
  for (const v of list) {
    // salesforce/ja3: GREASE values (RFC 8701) are ignored in every list.
    if (isGrease(v)) continue;
    s += first ? `${v}` : `-${v}`;
    first = false;
  }
  return s;
}

/**
 * JA3 (salesforce/ja3): "SSLVersion,Cipher,SSLExtension,EllipticCurve,EllipticCurvePointFormat",
 * decimal values, '-' within a field, extensions in wire order, SSLVersion = legacy_version.
 */
export function computeJa3(ch: ClientHello): Ja3Fingerprint {
  const full = `${ch.legacyVersion},${joinDec(ch.ciphers)},${joinDec(ch.extensions)},${joinDec(ch.groups)},${joinDec(ch.pointFormats)}`;
  return { ja3: md5Hex(full), ja3_full: full };
}
