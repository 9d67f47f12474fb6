// RFC 6347 §4.1 (record, 13 bytes) and §4.2.2 (handshake header, 12 bytes)
const CT_HANDSHAKE = 22;
const HT_CLIENT_HELLO = 1;

/** A DTLS ClientHello in one unfragmented record: the body's bounds, or null. */
export function findDtlsHello(
  buf: Buffer,
  off: number,
  end: number,
): { bodyOff: number; bodyEnd: number } | null {
  if (end - off < 25 || buf[off] !== CT_HANDSHAKE || buf[off + 1] !== 0xfe) return null;
  const recLen = buf.readUInt16BE(off + 11);
  const rec = off + 13;
  if (rec + recLen > end || buf[rec] !== HT_CLIENT_HELLO || recLen < 12) return null;
  const msgLen = buf.readUIntBE(rec + 1, 3);
  const fragOff = buf.readUIntBE(rec + 6, 3);
  const fragLen = buf.readUIntBE(rec + 9, 3);
  // Fragmented ClientHellos (fragment_offset > 0 or a short fragment) are not reassembled.
  if (fragOff !== 0 || fragLen !== msgLen || 12 + msgLen > recLen) return null;
  return { bodyOff: rec + 12, bodyEnd: rec + 12 + msgLen };
}
