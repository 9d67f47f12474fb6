import crypto from 'node:crypto';

/**
 * A reusable byte buffer for building fingerprint strings (hex and decimal lists) without one
 * string allocation per item: lists are written as ASCII bytes, digested in place with node:crypto
 * and turned into a string once. Single-threaded use only (one pipeline call at a time).
 */
let scratch = Buffer.allocUnsafe(16_384);
/** A plain Uint8Array over the same bytes: its subarray() is cheaper than a Buffer's (no subclass). */
let view = new Uint8Array(scratch.buffer, scratch.byteOffset, scratch.length);

/** The scratch buffer, grown to at least `n` bytes (its contents are not kept across growth). */
export function scratchOf(n: number): Buffer {
  if (scratch.length < n) {
    let size = scratch.length;
    while (size < n) size *= 2;
    scratch = Buffer.allocUnsafe(size);
    view = new Uint8Array(scratch.buffer, scratch.byteOffset, scratch.length);
  }
  return scratch;
}

/** Writes a non-negative integer below 100,000 in decimal at `pos`; returns the next position. */
export function putDec(b: Buffer, pos: number, v: number): number {
  if (v >= 10_000) b[pos++] = 0x30 + ((v / 10_000) | 0);
  if (v >= 1_000) b[pos++] = 0x30 + (((v / 1_000) | 0) % 10);
  if (v >= 100) b[pos++] = 0x30 + (((v / 100) | 0) % 10);
  if (v >= 10) b[pos++] = 0x30 + (((v / 10) | 0) % 10);
  b[pos] = 0x30 + (v % 10);
  return pos + 1;
}

/** Writes a Latin-1 string at `pos`; returns the next position. */
export function putAscii(b: Buffer, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[pos + i] = s.charCodeAt(i);
  return pos + s.length;
}

// crypto.hash (Node ≥ 20.12) is a one-shot digest without a Hash object per call.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: Uint8Array, enc: 'hex') => string }).hash;

/** Lower-case hex digest of scratch bytes [from, to) (`b` is the buffer scratchOf returned). */
export function digestHex(alg: 'sha256' | 'md5', b: Buffer, from: number, to: number): string {
  const data = b === scratch ? view.subarray(from, to) : b.subarray(from, to);
  return oneShot ? oneShot(alg, data, 'hex') : crypto.createHash(alg).update(data).digest('hex');
}
