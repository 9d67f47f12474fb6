import { fail, ParseError, type ParseResult } from './errors.js';

// Extension types, IANA "TLS ExtensionType Values"
export const EXT_SERVER_NAME = 0x0000; // RFC 6066 §3
export const EXT_SUPPORTED_GROUPS = 0x000a; // RFC 8422 §5.1.1 (elliptic_curves in JA3)
export const EXT_EC_POINT_FORMATS = 0x000b; // RFC 8422 §5.1.2
export const EXT_SIGNATURE_ALGORITHMS = 0x000d; // RFC 8446 §4.2.3
export const EXT_ALPN = 0x0010; // RFC 7301
export const EXT_SESSION_TICKET = 0x0023; // RFC 5077
export const EXT_PRE_SHARED_KEY = 0x0029; // RFC 8446 §4.2.11
export const EXT_EARLY_DATA = 0x002a; // RFC 8446 §4.2.10
export const EXT_SUPPORTED_VERSIONS = 0x002b; // RFC 8446 §4.2.1
const SNI_HOST_NAME = 0; // RFC 6066 §3 NameType host_name

/** RFC 8701: GREASE values are 0x?A?A with both bytes equal. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

/**
 * The fields of one ClientHello that fingerprints and analysts use. Lists keep wire order and
 * GREASE values (fingerprints drop GREASE; `greasePositions` records where it sat).
 */
export interface ClientHello {
  legacyVersion: number;
  sessionIdLength: number;
  ciphers: number[];
  compressionMethods: number;
  extensions: number[];
  /** Indexes in `extensions` holding GREASE values. */
  greasePositions: number[];
  sni: string | null;
  alpn: string[];
  /** Bytes of the first ALPN protocol name (JA4 takes its first and last byte). */
  alpnFirst: Buffer | null;
  supportedVersions: number[];
  signatureAlgorithms: number[];
  groups: number[];
  pointFormats: number[];
  /** pre_shared_key extension present (resumption or external PSK offered). */
  pskOffered: boolean;
  /** session_ticket extension carries a ticket (not just the empty "I support tickets"). */
  sessionTicketOffered: boolean;
  earlyData: boolean;
}

/**
 * Parses a ClientHello body (after the 4-byte handshake header) in buf[off, end).
 * `dtls` adds the cookie field (RFC 6347 §4.2.2). Every length is checked against its container.
 */
export function parseClientHello(
  buf: Buffer,
  off: number,
  end: number,
  dtls = false,
): ParseResult<ClientHello> {
  try {
    return { ok: true, value: parseBody(buf, off, end, dtls) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, code: err.code, offset: err.offset };
    return { ok: false, code: 'client_hello', offset: off };
  }
}

function need(pos: number, n: number, end: number): void {
  if (pos + n > end) fail('truncated', pos);
}

function parseBody(buf: Buffer, off: number, end: number, dtls: boolean): ClientHello {
  let pos = off;
  need(pos, 35, end);
  const legacyVersion = buf.readUInt16BE(pos);
  pos += 34; // version + random
  const sessionIdLength = buf[pos++];
  if (sessionIdLength > 32) fail('client_hello', pos - 1);
  need(pos, sessionIdLength, end);
  pos += sessionIdLength;
  if (dtls) {
    need(pos, 1, end);
    const cookie = buf[pos++];
    need(pos, cookie, end);
    pos += cookie;
  }
  need(pos, 2, end);
  const cipherBytes = buf.readUInt16BE(pos);
  pos += 2;
  if (cipherBytes % 2 !== 0) fail('bad_length', pos - 2);
  need(pos, cipherBytes, end);
  const ciphers: number[] = new Array(cipherBytes >> 1);
  // Bounds were checked by need(): plain index reads avoid readUInt16BE's own checks.
  for (let i = 0, p = pos; i < ciphers.length; i++, p += 2) ciphers[i] = (buf[p] << 8) | buf[p + 1];
  pos += cipherBytes;
  need(pos, 1, end);
  const compressionMethods = buf[pos++];
  need(pos, compressionMethods, end);
  pos += compressionMethods;
  const ch: ClientHello = {
    legacyVersion,
    sessionIdLength,
    ciphers,
    compressionMethods,
    extensions: [],
    greasePositions: [],
    sni: null,
    alpn: [],
    alpnFirst: null,
    supportedVersions: [],
    signatureAlgorithms: [],
    groups: [],
    pointFormats: [],
    pskOffered: false,
    sessionTicketOffered: false,
    earlyData: false,
  };
  if (pos === end) return ch; // no extensions block (RFC 5246 §7.4.1.2 allows it)
  parseExtensions(ch, buf, pos, end);
  return ch;
}

/** The extensions block at `pos` (RFC 8446 §4.2): each type in order, each body read into `ch`. */
function parseExtensions(ch: ClientHello, buf: Buffer, pos: number, end: number): void {
  need(pos, 2, end);
  const extEnd = pos + 2 + buf.readUInt16BE(pos);
  pos += 2;
  if (extEnd > end) fail('truncated', pos - 2);
  while (pos < extEnd) {
    need(pos, 4, extEnd);
    const type = (buf[pos] << 8) | buf[pos + 1];
    const len = (buf[pos + 2] << 8) | buf[pos + 3];
    pos += 4;
    need(pos, len, extEnd);
    if (isGrease(type)) ch.greasePositions.push(ch.extensions.length);
    ch.extensions.push(type);
    parseExtension(ch, type, buf, pos, pos + len);
    pos += len;
  }
}

function u16List(buf: Buffer, pos: number, end: number, lenBytes: 1 | 2, into: number[]): void {
  need(pos, lenBytes, end);
  const n = lenBytes === 1 ? buf[pos] : buf.readUInt16BE(pos);
  pos += lenBytes;
  if (n % 2 !== 0) fail('bad_length', pos - lenBytes);
  need(pos, n, end);
  for (let i = 0; i < n; i += 2) into.push((buf[pos + i] << 8) | buf[pos + i + 1]);
}

function parseExtension(ch: ClientHello, type: number, buf: Buffer, pos: number, end: number): void {
  switch (type) {
    case EXT_SERVER_NAME: {
      if (pos === end) return; // empty server_name is allowed in some clients' resumption
      need(pos, 2, end);
      const listEnd = pos + 2 + buf.readUInt16BE(pos);
      if (listEnd > end) fail('truncated', pos);
      let p = pos + 2;
      while (p + 3 <= listEnd) {
        const nameType = buf[p];
        const n = buf.readUInt16BE(p + 1);
        p += 3;
        need(p, n, listEnd);
        if (nameType === SNI_HOST_NAME && ch.sni === null) ch.sni = buf.toString('latin1', p, p + n);
        p += n;
      }
      return;
    }
    case EXT_ALPN: {
      need(pos, 2, end);
      const listEnd = pos + 2 + buf.readUInt16BE(pos);
      if (listEnd > end) fail('truncated', pos);
      let p = pos + 2;
      while (p < listEnd) {
        const n = buf[p++];
        need(p, n, listEnd);
        if (ch.alpnFirst === null) ch.alpnFirst = buf.subarray(p, p + n);
        ch.alpn.push(buf.toString('latin1', p, p + n));
        p += n;
      }
      return;
    }
    case EXT_SUPPORTED_VERSIONS:
      // In a ClientHello: a 1-byte length and a list of 2-byte versions (RFC 8446 §4.2.1).
      if (ch.supportedVersions.length === 0) u16List(buf, pos, end, 1, ch.supportedVersions);
      return;
    case EXT_SIGNATURE_ALGORITHMS:
      if (ch.signatureAlgorithms.length === 0) u16List(buf, pos, end, 2, ch.signatureAlgorithms);
      return;
    case EXT_SUPPORTED_GROUPS:
      if (ch.groups.length === 0) u16List(buf, pos, end, 2, ch.groups);
      return;
    case EXT_EC_POINT_FORMATS: {
      need(pos, 1, end);
      const n = buf[pos];
      need(pos + 1, n, end);
      for (let i = 0; i < n; i++) ch.pointFormats.push(buf[pos + 1 + i]);
      return;
    }
    case EXT_PRE_SHARED_KEY:
      ch.pskOffered = true;
      return;
    case EXT_SESSION_TICKET:
      ch.sessionTicketOffered = end > pos;
      return;
    case EXT_EARLY_DATA:
      ch.earlyData = true;
      return;
  }
}
