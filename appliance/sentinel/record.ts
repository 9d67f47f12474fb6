import type { SynInfo, TlsEvent } from '../common/index.js';

/** One fingerprinted ClientHello, as `ja4 fingerprint --json` prints it (keys as in the fixtures). */
export interface ClientHelloRecord {
  /** Capture time, µs since the Unix epoch. */
  ts_us: number;
  src: string;
  srcport: number;
  dst: string;
  dstport: number;
  transport: 'tcp' | 'quic' | 'dtls';
  sni: string | null;
  alpn: string[];
  /** Highest version offered ("1.3", "1.2", … "dtls1.2"). */
  tls_version: string;
  ja4: string;
  ja4_r: string;
  ja4_o: string;
  ja4_ro: string;
  ja3: string;
  ja3_full: string;
  proxy_client_ip: string | null;
  proxy_client_port: number | null;
  syn: SynInfo | null;
  /** Capture time of the client's SYN, µs since the Unix epoch (null: not captured, or not TCP). */
  syn_ts_us: number | null;
  /** The SYN's sequence number, the client's initial sequence number (null as syn_ts_us). */
  syn_seq: number | null;
  /** Raw material for spotting impersonators: extension types in wire order, GREASE included. */
  extensions: number[];
  grease_positions: number[];
  psk_offered: boolean;
  session_ticket_offered: boolean;
}

/** The TLS event the sentinel writes to network.socket (schema in appliance/common/events). */
export function toTlsEvent(r: ClientHelloRecord): TlsEvent {
  return {
    type: 'tls',
    ts_us: r.ts_us,
    src_ip: r.src,
    src_port: r.srcport,
    dst_ip: r.dst,
    dst_port: r.dstport,
    transport: r.transport,
    ja4: r.ja4,
    ja4_r: r.ja4_r,
    ja4_o: r.ja4_o,
    ja4_ro: r.ja4_ro,
    ja3: r.ja3,
    ja3_full: r.ja3_full,
    sni: r.sni,
    alpn: r.alpn,
    tls_version: r.tls_version,
    proxy_client_ip: r.proxy_client_ip,
    proxy_client_port: r.proxy_client_port,
    syn: r.syn,
    syn_ts_us: r.syn_ts_us,
    syn_seq: r.syn_seq,
  };
}
