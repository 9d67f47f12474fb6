import { ipToString } from './addr.js';
import { fail, ParseError, type ParseResult } from './errors.js';

// https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
const V1_PREFIX = 'PROXY '; // §2.1
const V1_MAX = 107; // §2.1: "a receiver … must not read more than 107 characters"
const V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]); // §2.2

export interface ProxyHeader {
  /** Bytes the header occupies at the head of the stream. */
  length: number;
  /** The original client address; null for LOCAL / UNKNOWN / unix sockets. */
  clientIp: string | null;
  clientPort: number | null;
}

/** 'v1' | 'v2' when the bytes begin (or may begin, given few bytes) a PROXY header, else null. */
export function proxySignature(buf: Buffer, off: number, end: number): 'v1' | 'v2' | null {
  const n = end - off;
  if (n <= 0) return null;
  if (buf[off] === 0x50) {
    for (let i = 0; i < V1_PREFIX.length && i < n; i++)
      if (buf[off + i] !== V1_PREFIX.charCodeAt(i)) return null;
    return 'v1';
  }
  if (buf[off] === 0x0d) {
    for (let i = 0; i < V2_SIG.length && i < n; i++) if (buf[off + i] !== V2_SIG[i]) return null;
    return 'v2';
  }
  return null;
}

/** Parses a PROXY v1/v2 header at `off`; `need` when more bytes are required. */
export function parseProxyHeader(buf: Buffer, off: number, end: number): ParseResult<ProxyHeader> | 'need' {
  const sig = proxySignature(buf, off, end);
  if (sig === null) return { ok: false, code: 'proxy_header', offset: off };
  try {
    return sig === 'v1' ? parseV1(buf, off, end) : parseV2(buf, off, end);
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, code: err.code, offset: err.offset };
    return { ok: false, code: 'proxy_header', offset: off };
  }
}

function parseV1(buf: Buffer, off: number, end: number): ParseResult<ProxyHeader> | 'need' {
  let crlf = -1;
  const limit = Math.min(end, off + V1_MAX);
  for (let i = off; i + 1 < limit; i++) {
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a) {
      crlf = i;
      break;
    }
  }
  if (crlf < 0) {
    if (end - off >= V1_MAX) fail('proxy_header', off);
    return 'need';
  }
  // "PROXY TCP4 src dst sport dport" or "PROXY UNKNOWN …": the line is short and ASCII.
  const parts = buf.toString('latin1', off, crlf).split(' ');
  const length = crlf + 2 - off;
  if (parts[1] === 'UNKNOWN') return { ok: true, value: { length, clientIp: null, clientPort: null } };
  if ((parts[1] !== 'TCP4' && parts[1] !== 'TCP6') || parts.length !== 6) fail('proxy_header', off);
  const port = Number(parts[4]);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || parts[2].length === 0) fail('proxy_header', off);
  return { ok: true, value: { length, clientIp: parts[2], clientPort: port } };
}

function parseV2(buf: Buffer, off: number, end: number): ParseResult<ProxyHeader> | 'need' {
  if (end - off < 16) return 'need';
  const verCmd = buf[off + 12];
  if (verCmd >> 4 !== 2) fail('proxy_header', off + 12);
  const fam = buf[off + 13];
  const len = buf.readUInt16BE(off + 14);
  const length = 16 + len;
  if (end - off < length) return 'need';
  const a = off + 16;
  if ((verCmd & 0x0f) === 0) return { ok: true, value: { length, clientIp: null, clientPort: null } }; // LOCAL
  if (fam >> 4 === 1) {
    if (len < 12) fail('proxy_header', off + 14); // §2.2: 4+4+2+2 for AF_INET
    return {
      ok: true,
      value: { length, clientIp: ipToString(buf, a, 4), clientPort: buf.readUInt16BE(a + 8) },
    };
  }
  if (fam >> 4 === 2) {
    if (len < 36) fail('proxy_header', off + 14); // 16+16+2+2 for AF_INET6
    return {
      ok: true,
      value: { length, clientIp: ipToString(buf, a, 16), clientPort: buf.readUInt16BE(a + 32) },
    };
  }
  return { ok: true, value: { length, clientIp: null, clientPort: null } };
}
