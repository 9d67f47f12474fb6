import { ipToString } from './addr.js';
import { type ClientHello, parseClientHello } from './client-hello.js';
import { findDtlsHello } from './dtls.js';
import { newErrorCounts, type ParseCode } from './errors.js';
import { fingerprints } from './fingerprint-cache.js';
import { DEFAULT_LIMITS, type FlowLimits } from './flow-table.js';
import { IPPROTO_TCP } from './ip.js';
import { type Ja4Transport, offeredVersion } from './ja4.js';
import { decodeFrame } from './link-layer.js';
import { newPacketInfo, type PacketInfo } from './packet-info.js';
import { QuicReassembler } from './quic-reassembly.js';
import { type ClientHelloRecord, versionName } from './record.js';
import { type TcpFlow, TcpReassembler } from './tcp-reassembly.js';

export interface PipelineStats {
  packets: number;
  clientHellos: number;
  /** Parse failures by kind (the metrics label `kind`). */
  errors: Record<ParseCode, number>;
}

/**
 * Packets in, ClientHello records out: link layer → IP (and tunnels) → TCP reassembly or QUIC
 * Initial decryption or DTLS → ClientHello → JA4 + JA3. Shared by `ja4 fingerprint` (files) and
 * `ja4 sentinel` (live capture). `push` never throws on packet content; failures are counted.
 */
export class FingerprintPipeline {
  readonly stats: PipelineStats = { packets: 0, clientHellos: 0, errors: newErrorCounts() };
  readonly tcp: TcpReassembler;
  readonly quic: QuicReassembler;
  private readonly pi: PacketInfo = newPacketInfo();

  constructor(
    private readonly onRecord: (record: ClientHelloRecord) => void,
    limits: Partial<FlowLimits> = {},
  ) {
    const lim = { ...DEFAULT_LIMITS, ...limits };
    const onError = (code: ParseCode) => {
      this.stats.errors[code]++;
    };
    this.tcp = new TcpReassembler(
      lim,
      (flow, body, from, to, pi, sport, dport, ts) =>
        this.hello(body, from, to, pi, sport, dport, ts, 't', flow),
      onError,
    );
    this.quic = new QuicReassembler(
      lim,
      (body, from, to, pi, sport, dport, ts) => this.hello(body, from, to, pi, sport, dport, ts, 'q', null),
      onError,
    );
  }

  /** One captured frame of `linkType` (LINKTYPE_*), captured at `tsUs` µs since the epoch. */
  push(linkType: number, frame: Buffer, tsUs: number): void {
    this.stats.packets++;
    try {
      this.decode(linkType, frame, tsUs);
    } catch {
      // Decoders return typed results; reaching here is a bug. Count it, never stop the capture.
      this.stats.errors.internal++;
    }
  }

  private decode(linkType: number, frame: Buffer, tsUs: number): void {
    const pi = this.pi;
    const r = decodeFrame(linkType, frame, pi);
    if (r !== '') {
      if (r !== 'skip') this.stats.errors[r]++;
      return;
    }
    if (pi.proto === IPPROTO_TCP) {
      this.tcp.segment(pi, tsUs);
      return;
    }
    // UDP: QUIC Initial, else a DTLS ClientHello (JA4.md: "d" for DTLS).
    if (this.quic.datagram(pi, tsUs)) return;
    const d = findDtlsHello(pi.buf, pi.l4Off + 8, pi.l4End);
    if (d !== null) {
      const sport = pi.buf.readUInt16BE(pi.l4Off);
      const dport = pi.buf.readUInt16BE(pi.l4Off + 2);
      this.hello(pi.buf, d.bodyOff, d.bodyEnd, pi, sport, dport, tsUs, 'd', null);
    }
  }

  /** Flows currently tracked (TCP + QUIC). */
  flowCount(): number {
    return this.tcp.flows.map.size + this.quic.flows.map.size;
  }

  private hello(
    body: Buffer,
    from: number,
    to: number,
    pi: PacketInfo,
    sport: number,
    dport: number,
    tsUs: number,
    transport: Ja4Transport,
    flow: TcpFlow | null,
  ): void {
    const parsed = parseClientHello(body, from, to, transport === 'd');
    if (!parsed.ok) {
      this.stats.errors[parsed.code]++;
      return;
    }
    this.stats.clientHellos++;
    this.onRecord(buildRecord(parsed.value, pi, sport, dport, tsUs, transport, flow));
  }
}

function buildRecord(
  ch: ClientHello,
  pi: PacketInfo,
  sport: number,
  dport: number,
  tsUs: number,
  transport: Ja4Transport,
  flow: TcpFlow | null,
): ClientHelloRecord {
  const fp = fingerprints(ch, transport);
  return {
    ts_us: tsUs,
    src: ipToString(pi.buf, pi.srcOff, pi.addrLen),
    srcport: sport,
    dst: ipToString(pi.buf, pi.dstOff, pi.addrLen),
    dstport: dport,
    transport: transport === 't' ? 'tcp' : transport === 'q' ? 'quic' : 'dtls',
    sni: ch.sni,
    alpn: ch.alpn,
    tls_version: versionName(offeredVersion(ch)),
    ja4: fp.ja4,
    ja4_r: fp.ja4_r,
    ja4_o: fp.ja4_o,
    ja4_ro: fp.ja4_ro,
    ja3: fp.ja3,
    ja3_full: fp.ja3_full,
    proxy_client_ip: flow ? flow.proxyIp || null : null,
    proxy_client_port: flow ? flow.proxyPort : null,
    syn: flow ? flow.syn : null,
    syn_ts_us: flow ? flow.synUs : null,
    syn_seq: flow ? flow.isn : null,
    extensions: ch.extensions,
    grease_positions: ch.greasePositions,
    psk_offered: ch.pskOffered,
    session_ticket_offered: ch.sessionTicketOffered,
  };
}
