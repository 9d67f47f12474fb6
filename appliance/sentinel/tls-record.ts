import type { ParseCode } from './errors.js';

// RFC 8446 §5.1 record layer, §4 handshake layer
const CT_CHANGE_CIPHER_SPEC = 20;
const CT_HANDSHAKE = 22;
const CT_APPLICATION_DATA = 23;
const HT_CLIENT_HELLO = 1;
/** RFC 8446 §5.1: a TLSPlaintext fragment is at most 2^14 bytes; allow slack for broken stacks. */
const MAX_RECORD = 16_384 + 2_048;

/** What the bytes at the head of a client's stream hold. */
export type RecordScan =
  | { kind: 'need' }
  | { kind: 'skip'; consumed: number } // a ChangeCipherSpec record (TLS 1.3 middlebox compatibility)
  | { kind: 'hello'; body: Buffer; bodyOff: number; bodyEnd: number; consumed: number }
  | { kind: 'other' } // a record that is not a ClientHello: the handshake has moved on
  | { kind: 'error'; code: ParseCode; offset: number };

const NEED: RecordScan = { kind: 'need' };
const OTHER: RecordScan = { kind: 'other' };

/** Whether `buf[off…]` begins a TLS handshake record carrying a ClientHello (5+1 bytes needed). */
export function looksLikeHelloRecord(buf: Buffer, off: number, end: number): boolean {
  return (
    end - off >= 6 &&
    buf[off] === CT_HANDSHAKE &&
    buf[off + 1] === 3 &&
    buf[off + 2] <= 4 &&
    buf[off + 5] === HT_CLIENT_HELLO
  );
}

/**
 * Scans the record at `off`. A ClientHello split over several handshake records is joined into a
 * fresh Buffer (rare: only messages above 16 KiB or odd stacks fragment it).
 */
export function scanRecord(buf: Buffer, off: number, end: number, maxHello: number): RecordScan {
  const type = buf[off];
  if (type < CT_CHANGE_CIPHER_SPEC || type > CT_APPLICATION_DATA) return OTHER; // not a TLS record
  if (end - off < 5) return NEED;
  if (buf[off + 1] !== 3)
    return type === CT_HANDSHAKE ? { kind: 'error', code: 'tls_record', offset: off } : OTHER;
  const len = buf.readUInt16BE(off + 3);
  if (len > MAX_RECORD) return { kind: 'error', code: 'tls_record', offset: off + 3 };
  if (type === CT_CHANGE_CIPHER_SPEC) return end - off < 5 + len ? NEED : { kind: 'skip', consumed: 5 + len };
  if (type !== CT_HANDSHAKE) return OTHER;
  if (end - off < 9) return NEED;
  if (buf[off + 5] !== HT_CLIENT_HELLO) return OTHER;
  if (len < 4) return { kind: 'error', code: 'tls_record', offset: off + 3 };
  const msgLen = buf.readUIntBE(off + 6, 3);
  if (msgLen > maxHello) return { kind: 'error', code: 'reassembly_overflow', offset: off + 6 };
  if (4 + msgLen <= len) {
    if (end - off < 5 + len) return NEED;
    return { kind: 'hello', body: buf, bodyOff: off + 9, bodyEnd: off + 9 + msgLen, consumed: 5 + len };
  }
  return joinFragments(buf, off, end, msgLen);
}

function joinFragments(buf: Buffer, off: number, end: number, msgLen: number): RecordScan {
  const total = 4 + msgLen;
  // First pass: are all the records needed present?
  let pos = off;
  let got = 0;
  while (got < total) {
    if (end - pos < 5) return NEED;
    if (buf[pos] !== CT_HANDSHAKE) return { kind: 'error', code: 'tls_record', offset: pos };
    const len = buf.readUInt16BE(pos + 3);
    if (len === 0 || len > MAX_RECORD) return { kind: 'error', code: 'tls_record', offset: pos + 3 };
    if (end - pos < 5 + len) return NEED;
    got += len;
    pos += 5 + len;
  }
  if (got !== total) return { kind: 'error', code: 'tls_record', offset: pos }; // message and records disagree
  const out = Buffer.allocUnsafe(total);
  let w = 0;
  for (let p = off; p < pos; ) {
    const len = buf.readUInt16BE(p + 3);
    buf.copy(out, w, p + 5, p + 5 + len);
    w += len;
    p += 5 + len;
  }
  return { kind: 'hello', body: out, bodyOff: 4, bodyEnd: total, consumed: pos - off };
}
