/** The one hex table of the fingerprint builders: lower-case digits, as characters and as bytes. */
const DIGITS = '0123456789abcdef';

/** ASCII codes of the two hex digits of every byte value: bytes 2i and 2i+1 for byte i. */
const HEX_BYTES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_BYTES[2 * i] = DIGITS.charCodeAt(i >> 4);
  HEX_BYTES[2 * i + 1] = DIGITS.charCodeAt(i & 15);
}

/** The hex digit of the low 4 bits of `v`. */
export function hexDigit(v: number): string {
  return DIGITS[v & 15];
}

/** Writes a 16-bit value as 4 lower-case hex digits at `pos`; returns the next position. */
export function putHex4(b: Uint8Array, pos: number, v: number): number {
  const hi = (v >> 8) << 1;
  const lo = (v & 0xff) << 1;
  b[pos] = HEX_BYTES[hi];
  b[pos + 1] = HEX_BYTES[hi + 1];
  b[pos + 2] = HEX_BYTES[lo];
  b[pos + 3] = HEX_BYTES[lo + 1];
  return pos + 4;
}
