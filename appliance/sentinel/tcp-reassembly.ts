import type { SynInfo } from '../common/index.js';
import type { ParseCode } from './errors.js';
import { BoundedFlows, type FlowBase, type FlowLimits } from './flow-table.js';
import { type HelloSpan, newPacketInfo, type PacketInfo } from './packet-info.js';
import { parseProxyHeader, proxySignature } from './proxy-protocol.js';
import { flowKey, parseSyn, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './tcp.js';
import { looksLikeHelloRecord, scanRecord } from './tls-record.js';

/** One client→server TCP direction whose ClientHello we are assembling. */
export interface TcpFlow extends FlowBase {
  key: string;
  syn: SynInfo | null;
  /** Capture time of the SYN, µs; null when the flow started without one. */
  synUs: number | null;
  /** The SYN's sequence number (the client's initial sequence number); null without a SYN. */
  isn: number | null;
  /** Sequence number of buf[0], or of the next byte expected when there is no buffer. */
  start: number;
  /** `start` is a known stream position (SYN seen, or bytes already consumed). */
  positioned: boolean;
  /** Stream bytes consumed since the flow was positioned (PROXY headers only come first). */
  consumed: number;
  buf: Buffer | null;
  /** Contiguous bytes from buf[0]. */
  have: number;
  /** Bytes already consumed by the record scanner. */
  parsed: number;
  /** Out-of-order ranges [start, end) relative to buf[0], beyond `have`. */
  gaps: number[] | null;
  hellos: number;
  proxyIp: string | null;
  proxyPort: number | null;
}

export type HelloSink = (flow: TcpFlow, hello: HelloSpan) => void;

/**
 * The segment being read: where its hello would come from, its sequence number and whether it
 * begins a ClientHello or PROXY header. One object per reassembler, rewritten for each segment
 * (nothing keeps it: a hello copies what it needs).
 */
type Segment = Pick<HelloSpan, 'packet' | 'srcPort' | 'dstPort' | 'tsUs'> & { seq: number; begins: boolean };

const MAX_GAPS = 32;
/** A ClientHello and its retry after a HelloRetryRequest (RFC 8446 §4.1.4). */
const MAX_HELLOS = 2;

/**
 * TCP reassembly of the client's first bytes: enough to read the ClientHello (and a second one
 * after a HelloRetryRequest). Segments may arrive out of order, retransmitted or overlapping;
 * bytes already assembled are never rewritten (first copy wins). A flow starts at the SYN
 * (ISN + 1) or, without a SYN, at a segment that begins a ClientHello record or a PROXY header.
 */
export class TcpReassembler {
  readonly flows: BoundedFlows<TcpFlow>;
  private readonly seg: Segment = {
    packet: newPacketInfo(),
    srcPort: 0,
    dstPort: 0,
    tsUs: 0,
    seq: 0,
    begins: false,
  };

  constructor(
    limits: FlowLimits,
    private readonly onHello: HelloSink,
    private readonly onError: (code: ParseCode) => void,
  ) {
    this.flows = new BoundedFlows<TcpFlow>(limits, (f, evicted) => {
      if (evicted && f.pending) onError('flow_evicted');
    });
  }

  /** One TCP segment; `pi` locates its header. */
  segment(pi: PacketInfo, tsUs: number): void {
    const buf = pi.buf;
    const off = pi.l4Off;
    const dataOff = (buf[off + 12] >> 4) * 4;
    if (dataOff < 20 || off + dataOff > pi.l4End) {
      this.onError('bad_tcp');
      return;
    }
    const flags = buf[off + 13];
    // A segment without data that neither opens nor closes a connection (an ACK): nothing to
    // learn, and most of a connection's packets when the capture filter lets them through.
    if (off + dataOff === pi.l4End && (flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0) return;
    const sport = buf.readUInt16BE(off);
    const dport = buf.readUInt16BE(off + 2);
    const seq = buf.readUInt32BE(off + 4);
    const key = flowKey(pi, 'T', sport, dport);
    if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
      this.flows.delete(key); // a new connection on this 4-tuple
      const flow = newFlow(key, tsUs, parseSyn(pi, off, off + dataOff), (seq + 1) >>> 0);
      flow.synUs = tsUs;
      flow.isn = seq;
      this.flows.add(key, flow, tsUs);
      return;
    }
    const dStart = off + dataOff;
    const dEnd = pi.l4End;
    let flow = this.flows.get(key);
    if (dEnd > dStart) {
      const begins = looksLikeHelloRecord(buf, dStart, dEnd) || proxySignature(buf, dStart, dEnd) !== null;
      if (flow === undefined && begins) {
        flow = newFlow(key, tsUs, null, seq);
        flow.positioned = true;
        this.flows.add(key, flow, tsUs);
      }
      if (flow !== undefined) {
        flow.lastUs = tsUs;
        const seg = this.seg;
        seg.packet = pi;
        seg.srcPort = sport;
        seg.dstPort = dport;
        seg.tsUs = tsUs;
        seg.seq = seq;
        seg.begins = begins;
        this.data(flow, seg, dStart, dEnd);
      }
    }
    if (flow !== undefined && flags & (TCP_FIN | TCP_RST) && this.flows.get(key) === flow)
      this.flows.delete(key);
  }

  /** The segment's data, packet bytes [from, to). */
  private data(flow: TcpFlow, seg: Segment, from: number, to: number): void {
    const { seq, begins } = seg;
    const max = this.flows.limits.maxFlowBytes;
    let rel = (seq - flow.start) | 0;
    if (flow.positioned && rel < 0 && rel + (to - from) > 0) {
      from -= rel; // starts before what we expect: keep the new part only
      rel = 0;
    }
    const known = flow.positioned && rel >= 0 && rel < max;
    const idle = flow.buf === null || flow.parsed === flow.have;
    if (begins && idle && (!known || rel > (flow.buf === null ? 0 : flow.have))) {
      // Restart on a segment that begins a ClientHello: no known position yet, after a non-TLS
      // preamble (SOCKS), or after a gap (the CCS segment before a HelloRetryRequest retry lost).
      this.dropBuffer(flow);
      flow.positioned = true;
      flow.start = seq;
      rel = 0;
    } else if (!known) return;
    if (flow.buf === null && rel === 0) {
      // Fast path: scan the segment in place; copy only an incomplete tail.
      const n = this.scanBytes(flow, seg.packet.buf, from, to, seg);
      if (n < 0) return;
      flow.start = (flow.start + n) >>> 0;
      flow.consumed += n;
      if (from + n === to) return;
      from += n;
    }
    this.store(flow, rel, seg, from, to);
  }

  /**
   * Copies the packet's bytes [from, to) into the flow's buffer at `rel` (in order, or as a gap
   * beyond `have`), then scans what became contiguous.
   */
  private store(flow: TcpFlow, rel: number, seg: Segment, from: number, to: number): void {
    const src = seg.packet.buf;
    if (flow.buf === null && !this.alloc(flow, Math.max(2048, rel + (to - from)))) return;
    const end = rel + (to - from);
    if (end > flow.buf!.length && !this.alloc(flow, end)) return;
    const buf = flow.buf!;
    if (rel <= flow.have) {
      if (end <= flow.have) return; // a retransmission of bytes we hold (first copy wins)
      src.copy(buf, flow.have, from + (flow.have - rel), to);
      flow.have = end;
      this.mergeGaps(flow);
    } else {
      src.copy(buf, rel, from, to);
      if (flow.gaps === null) flow.gaps = [];
      const gaps = flow.gaps;
      if (gaps.length >= 2 * MAX_GAPS) {
        this.fail(flow, 'reassembly_overflow');
        return;
      }
      gaps.push(rel, end);
    }
    flow.pending = true;
    if (flow.have <= flow.parsed) return;
    const n = this.scanBytes(flow, buf, flow.parsed, flow.have, seg);
    if (n < 0) return;
    flow.parsed += n;
    flow.consumed += n;
    if (flow.parsed === flow.have && flow.gaps === null) {
      // Everything scanned: keep the position, free the bytes (a retry may follow a HelloRetryRequest).
      flow.start = (flow.start + flow.have) >>> 0;
      this.dropBuffer(flow);
    }
  }

  private mergeGaps(flow: TcpFlow): void {
    const g = flow.gaps;
    if (g === null) return;
    let merged = true;
    while (merged && g.length > 0) {
      merged = false;
      for (let i = 0; i < g.length; i += 2) {
        if (g[i] <= flow.have) {
          if (g[i + 1] > flow.have) flow.have = g[i + 1];
          g.splice(i, 2);
          merged = true;
          break;
        }
      }
    }
    if (g.length === 0) flow.gaps = null;
  }

  /**
   * Reads records in buf[off, end): PROXY header (stream start only), CCS records, ClientHellos.
   * Returns the bytes consumed (complete items only), or -1 when the flow was closed or released.
   */
  private scanBytes(flow: TcpFlow, buf: Buffer, off: number, end: number, seg: Segment): number {
    const limits = this.flows.limits;
    let pos = off;
    while (pos < end) {
      if (flow.consumed + (pos - off) === 0 && flow.hellos === 0 && proxySignature(buf, pos, end)) {
        const r = parseProxyHeader(buf, pos, end);
        if (r === 'need') break;
        if (!r.ok) return this.fail(flow, r.code);
        flow.proxyIp = r.value.clientIp ?? '';
        flow.proxyPort = r.value.clientPort;
        pos += r.value.length;
        continue;
      }
      const r = scanRecord(buf, pos, end, limits.maxFlowBytes);
      if (r.kind === 'need') break;
      if (r.kind === 'skip') pos += r.consumed;
      else if (r.kind === 'hello') {
        pos += r.consumed;
        flow.hellos++;
        this.onHello(flow, {
          body: r.body,
          bodyOff: r.bodyOff,
          bodyEnd: r.bodyEnd,
          packet: seg.packet,
          srcPort: seg.srcPort,
          dstPort: seg.dstPort,
          tsUs: seg.tsUs,
        });
        // The cut-off: a client sends at most two ClientHellos (the second after a
        // HelloRetryRequest, RFC 8446 §4.1.4); after it the flow has nothing more to give.
        if (flow.hellos >= MAX_HELLOS) {
          this.flows.delete(flow.key);
          return -1;
        }
      } else if (r.kind === 'other') {
        // The client moved past its hello(s) (or never spoke TLS): nothing more to learn here.
        if (flow.hellos > 0) this.flows.delete(flow.key);
        else this.release(flow);
        return -1;
      } else return this.fail(flow, r.code);
    }
    return pos - off;
  }

  private fail(flow: TcpFlow, code: ParseCode): -1 {
    this.onError(code);
    this.release(flow);
    return -1;
  }

  /** Stops collecting for this flow (the entry stays for its SYN data and a later resync). */
  private release(flow: TcpFlow): void {
    this.dropBuffer(flow);
    flow.positioned = false;
  }

  private dropBuffer(flow: TcpFlow): void {
    flow.buf = null;
    flow.gaps = null;
    flow.have = 0;
    flow.parsed = 0;
    flow.pending = false;
    if (flow.bytes !== 0) this.flows.resize(flow, 0);
  }

  private alloc(flow: TcpFlow, need: number): boolean {
    const max = this.flows.limits.maxFlowBytes;
    if (need > max) {
      this.fail(flow, 'reassembly_overflow');
      return false;
    }
    let size = flow.buf === null ? 2048 : flow.buf.length;
    while (size < need) size *= 2;
    if (size > max) size = max;
    if (!this.flows.resize(flow, size)) {
      this.fail(flow, 'flow_evicted');
      return false;
    }
    const next = Buffer.allocUnsafe(size);
    if (flow.buf !== null) flow.buf.copy(next, 0, 0, Math.min(flow.buf.length, size));
    flow.buf = next;
    return true;
  }
}

function newFlow(key: string, tsUs: number, syn: SynInfo | null, start: number): TcpFlow {
  return {
    key,
    lastUs: tsUs,
    bytes: 0,
    pending: false,
    syn,
    synUs: null,
    isn: null,
    start,
    positioned: syn !== null,
    consumed: 0,
    buf: null,
    have: 0,
    parsed: 0,
    gaps: null,
    hellos: 0,
    proxyIp: null,
    proxyPort: null,
  };
}
