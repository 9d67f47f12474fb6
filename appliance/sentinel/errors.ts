import { Ja4Error } from '../common/index.js';

/**
 * Parse failures, by kind. Parsers never throw out of their entry points: they return
 * `{ ok: false, code, offset }` and the pipeline counts each code (metrics label `kind`).
 */
export const PARSE_CODES = [
  'truncated', // a length runs past its container
  'bad_length', // a length field is inconsistent (too small, zero where not allowed)
  'unsupported_link', // capture link type we do not decode
  'bad_ip', // IPv4/IPv6 header malformed
  'bad_tcp', // TCP header malformed
  'bad_udp', // UDP header malformed
  'tunnel_depth', // too many nested encapsulations
  'tls_record', // TLS record layer malformed
  'client_hello', // ClientHello body malformed
  'proxy_header', // PROXY protocol header malformed
  'quic_header', // QUIC long header malformed
  'quic_decrypt', // QUIC Initial failed header protection or AEAD
  'quic_frame', // QUIC frame malformed
  'reassembly_overflow', // a flow's ClientHello grew past the per-flow byte bound
  'flow_evicted', // a flow was dropped for the count/byte bound before its ClientHello completed
  'capture_record', // a capture file record/block is damaged
  'internal', // a decoder bug caught at the pipeline boundary (the fuzzer keeps this at zero)
] as const;

export type ParseCode = (typeof PARSE_CODES)[number];

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: ParseCode; offset: number };

/**
 * Thrown only inside a parser and caught at its entry point (STYLE rule 6).
 * It carries no stack: it is control flow, not a bug report.
 */
export class ParseError {
  constructor(
    readonly code: ParseCode,
    readonly offset: number,
  ) {}
}

export function fail(code: ParseCode, offset: number): never {
  throw new ParseError(code, offset);
}

/** Counters of parse failures by kind. */
export function newErrorCounts(): Record<ParseCode, number> {
  const out = {} as Record<ParseCode, number>;
  for (const c of PARSE_CODES) out[c] = 0;
  return out;
}

/** A capture file that cannot be read at all (missing, permission, not pcap/pcapng). */
export class CaptureUnreadableError extends Ja4Error {
  constructor(file: string, reason: string) {
    super('JA4_ERR_CAPTURE_UNREADABLE', `${file}: cannot read capture: ${reason}`);
  }
}

/** Live capture could not start (no interface, no capture rights, libpcap refused). */
export class CaptureStartError extends Ja4Error {
  constructor(message: string, exitCode = 2) {
    super('JA4_ERR_CAPTURE_START', message, { exitCode });
  }
}
