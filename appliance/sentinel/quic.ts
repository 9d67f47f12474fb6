import { fail, ParseError, type ParseResult } from './errors.js';
import { clientInitialKeys, headerMask, openPayload, QUIC_V1, QUIC_V2 } from './quic-crypto.js';

/** A decrypted client Initial packet. */
export interface InitialPacket {
  version: number;
  dcid: Buffer;
  /** Decrypted frames. */
  payload: Buffer;
  /** Offset just past this packet in the datagram (coalesced packets follow). */
  next: number;
}

/** RFC 9000 §16: variable-length integer; returns the value, sets cursor.pos. */
export function readVarint(buf: Buffer, cursor: { pos: number }, end: number): number {
  const p = cursor.pos;
  if (p >= end) fail('truncated', p);
  const len = 1 << (buf[p] >> 6);
  if (p + len > end) fail('truncated', p);
  let v = buf[p] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + buf[p + i];
  cursor.pos = p + len;
  return v;
}

/** Whether a datagram begins with a QUIC v1/v2 long-header Initial packet (RFC 9000 §17.2.2). */
export function isQuicInitial(buf: Buffer, off: number, end: number): boolean {
  if (end - off < 7 || (buf[off] & 0xc0) !== 0xc0) return false;
  const version = buf.readUInt32BE(off + 1);
  const type = (buf[off] >> 4) & 0x03;
  // RFC 9369 §3.2: QUIC v2 renumbers long-header types; Initial is 0b01 there, 0b00 in v1.
  return (version === QUIC_V1 && type === 0) || (version === QUIC_V2 && type === 1);
}

/**
 * Removes header protection from a client Initial packet at `off` and decrypts it (RFC 9001
 * §5.4 and §5.3) with the keys derived from its Destination Connection ID.
 */
export function decryptInitial(buf: Buffer, off: number, end: number): ParseResult<InitialPacket> {
  try {
    return { ok: true, value: decrypt(buf, off, end) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, code: err.code, offset: err.offset };
    return { ok: false, code: 'quic_header', offset: off };
  }
}

function decrypt(buf: Buffer, off: number, end: number): InitialPacket {
  const version = buf.readUInt32BE(off + 1);
  let pos = off + 5;
  const dcidLen = buf[pos++];
  if (dcidLen > 20) fail('quic_header', pos - 1); // RFC 9000 §17.2: at most 20 bytes in v1/v2
  if (pos + dcidLen + 1 > end) fail('truncated', pos);
  const dcid = buf.subarray(pos, pos + dcidLen);
  pos += dcidLen;
  const scidLen = buf[pos++];
  if (scidLen > 20) fail('quic_header', pos - 1);
  pos += scidLen;
  const cur = { pos };
  const tokenLen = readVarint(buf, cur, end);
  cur.pos += tokenLen;
  const length = readVarint(buf, cur, end);
  const pnOff = cur.pos;
  const packetEnd = pnOff + length;
  if (packetEnd > end || length < 20) fail('truncated', pnOff);
  const keys = clientInitialKeys(version, dcid);
  // RFC 9001 §5.4.2: the sample starts 4 bytes after the packet number's first byte.
  const mask = headerMask(keys, buf.subarray(pnOff + 4, pnOff + 20));
  const first = buf[off] ^ (mask[0] & 0x0f);
  const pnLen = (first & 0x03) + 1;
  const aad = Buffer.from(buf.subarray(off, pnOff + pnLen));
  aad[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = buf[pnOff + i] ^ mask[1 + i];
    aad[pnOff - off + i] = b;
    pn = pn * 256 + b;
  }
  const ctEnd = packetEnd - 16;
  if (ctEnd < pnOff + pnLen) fail('truncated', pnOff);
  const payload = openPayload(
    keys,
    pn,
    aad,
    buf.subarray(pnOff + pnLen, ctEnd),
    buf.subarray(ctEnd, packetEnd),
  );
  if (payload === null) fail('quic_decrypt', off);
  return { version, dcid, payload, next: packetEnd };
}

const ZEROS = Buffer.alloc(2048);

/** Receives CRYPTO frame data: offset in the crypto stream and the bytes. */
export type CryptoSink = (offset: number, data: Buffer) => void;

/** Walks the frames of a decrypted Initial payload (RFC 9000 §19), handing CRYPTO data to `sink`. */
export function readInitialFrames(payload: Buffer, sink: CryptoSink): ParseResult<number> {
  try {
    return { ok: true, value: frames(payload, sink) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, code: err.code, offset: err.offset };
    return { ok: false, code: 'quic_frame', offset: 0 };
  }
}

function frames(p: Buffer, sink: CryptoSink): number {
  const end = p.length;
  const cur = { pos: 0 };
  let crypto = 0;
  while (cur.pos < end) {
    if (p[cur.pos] === 0x00) {
      // PADDING fills most of every client Initial (RFC 9000 §14.1: ≥ 1200 bytes): skip the run,
      // with one native compare when it runs to the end of the payload (the usual layout).
      if (end - cur.pos <= ZEROS.length && p.compare(ZEROS, 0, end - cur.pos, cur.pos, end) === 0) break;
      let q = cur.pos + 1;
      while (q < end && p[q] === 0x00) q++;
      cur.pos = q;
      continue;
    }
    const type = readVarint(p, cur, end);
    switch (type) {
      case 0x00: // PADDING
      case 0x01: // PING
        break;
      case 0x02: // ACK
      case 0x03: {
        readVarint(p, cur, end); // largest acknowledged
        readVarint(p, cur, end); // delay
        const ranges = readVarint(p, cur, end);
        readVarint(p, cur, end); // first range
        if (ranges > end) fail('quic_frame', cur.pos);
        for (let i = 0; i < ranges; i++) {
          readVarint(p, cur, end);
          readVarint(p, cur, end);
        }
        if (type === 0x03) for (let i = 0; i < 3; i++) readVarint(p, cur, end);
        break;
      }
      case 0x06: {
        // CRYPTO: offset, length, data
        const offset = readVarint(p, cur, end);
        const len = readVarint(p, cur, end);
        if (cur.pos + len > end) fail('truncated', cur.pos);
        sink(offset, p.subarray(cur.pos, cur.pos + len));
        cur.pos += len;
        crypto++;
        break;
      }
      case 0x1c: // CONNECTION_CLOSE
      case 0x1d: {
        readVarint(p, cur, end);
        if (type === 0x1c) readVarint(p, cur, end);
        const len = readVarint(p, cur, end);
        if (cur.pos + len > end) fail('truncated', cur.pos);
        cur.pos += len;
        break;
      }
      default:
        fail('quic_frame', cur.pos); // RFC 9000 §17.2.2: no other frames in Initial packets
    }
  }
  return crypto;
}
