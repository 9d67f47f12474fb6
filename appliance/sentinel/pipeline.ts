import type { SynInfo } from '../common/index.js';
import { ipToString } from './addr.js';
import { type ClientHello, parseClientHello } from './client-hello.js';
import { findDtlsHello } from './dtls.js';
import { newErrorCounts, type ParseCode } from './errors.js';
import { fingerprints } from './fingerprint-cache.js';
import { DEFAULT_LIMITS, type FlowLimits } from './flow-table.js';
import type { Ja4Transport } from './ja4-parts.js';
import { decodeFrame, IPPROTO_TCP } from './packet-decoder.js';
import { newPacketInfo, type PacketInfo } from './packet-info.js';
import { QuicReassembler } from './quic-reassembly.js';
import type { ClientHelloRecord } from './record.js';
import { TcpReassembler } from './tcp-reassembly.js';
import { offeredVersion, versionName } from './tls-versions.js';

/** Where a ClientHello was seen: everything its record needs besides the hello itself. */
interface HelloOrigin {
  transport: Ja4Transport;
  /** The decoded packet (addresses) the hello ended in. */
  packet: PacketInfo;
  srcPort: number;
  dstPort: number;
  tsUs: number;
  /** The connection's SYN, for TLS over TCP when it was seen. */
  syn: SynInfo | null;
  /** The SYN's capture time (µs) and initial sequence number: the connection's identity. */
  synUs: number | null;
  synSeq: number | null;
  /** The client address a PROXY protocol header gave, if any. */
  proxyIp: string | null;
  proxyPort: number | null;
}

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
      (flow, h) =>
        this.hello(h.body, h.bodyOff, h.bodyEnd, {
          transport: 't',
          packet: h.packet,
          srcPort: h.srcPort,
          dstPort: h.dstPort,
          tsUs: h.tsUs,
          syn: flow.syn,
          synUs: flow.synUs,
          synSeq: flow.isn,
          proxyIp: flow.proxyIp || null,
          proxyPort: flow.proxyPort,
        }),
      onError,
    );
    this.quic = new QuicReassembler(
      lim,
      (h) =>
        this.hello(h.body, h.bodyOff, h.bodyEnd, {
          transport: 'q',
          packet: h.packet,
          srcPort: h.srcPort,
          dstPort: h.dstPort,
          tsUs: h.tsUs,
          syn: null,
          synUs: null,
          synSeq: null,
          proxyIp: null,
          proxyPort: null,
        }),
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
      this.hello(pi.buf, d.bodyOff, d.bodyEnd, {
        transport: 'd',
        packet: pi,
        srcPort: pi.buf.readUInt16BE(pi.l4Off),
        dstPort: pi.buf.readUInt16BE(pi.l4Off + 2),
        tsUs,
        syn: null,
        synUs: null,
        synSeq: null,
        proxyIp: null,
        proxyPort: null,
      });
    }
  }

  /** Flows currently tracked (TCP + QUIC). */
  flowCount(): number {
    return this.tcp.flows.map.size + this.quic.flows.map.size;
  }

  private hello(body: Buffer, from: number, to: number, origin: HelloOrigin): void {
    const parsed = parseClientHello(body, from, to, origin.transport === 'd');
    if (!parsed.ok) {
      this.stats.errors[parsed.code]++;
      return;
    }
    this.stats.clientHellos++;
    this.onRecord(buildRecord(parsed.value, origin));
  }
}

const TRANSPORT_NAMES: Readonly<Record<Ja4Transport, ClientHelloRecord['transport']>> = {
  t: 'tcp',
  q: 'quic',
  d: 'dtls',
};

function buildRecord(ch: ClientHello, origin: HelloOrigin): ClientHelloRecord {
  const fp = fingerprints(ch, origin.transport);
  const { packet } = origin;
  return {
    ts_us: origin.tsUs,
    src: ipToString(packet.buf, packet.srcOff, packet.addrLen),
    srcport: origin.srcPort,
    dst: ipToString(packet.buf, packet.dstOff, packet.addrLen),
    dstport: origin.dstPort,
    transport: TRANSPORT_NAMES[origin.transport],
    sni: ch.sni,
    alpn: ch.alpn,
    tls_version: versionName(offeredVersion(ch)),
    ja4: fp.ja4,
    ja4_r: fp.ja4_r,
    ja4_o: fp.ja4_o,
    ja4_ro: fp.ja4_ro,
    ja3: fp.ja3,
    ja3_full: fp.ja3_full,
    proxy_client_ip: origin.proxyIp,
    proxy_client_port: origin.proxyPort,
    syn: origin.syn,
    syn_ts_us: origin.synUs,
    syn_seq: origin.synSeq,
    extensions: ch.extensions,
    grease_positions: ch.greasePositions,
    psk_offered: ch.pskOffered,
    session_ticket_offered: ch.sessionTicketOffered,
  };
}
