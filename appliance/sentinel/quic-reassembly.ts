import type { ParseCode } from './errors.js';
import { BoundedFlows, type FlowBase, type FlowLimits } from './flow-table.js';
import type { HelloSpan, PacketInfo } from './packet-info.js';
import { decryptInitial, isQuicInitial, readInitialFrames } from './quic.js';
import { flowKey, reverseKey } from './tcp.js';

const HT_CLIENT_HELLO = 1; // RFC 8446 §4
/** Disjoint CRYPTO ranges kept per flow (×2 numbers); a bound against crafted fragmentation. */
const MAX_RANGES = 128;

interface QuicFlow extends FlowBase {
  buf: Buffer | null;
  /** Received ranges of the CRYPTO stream, sorted and disjoint: [s0, e0, s1, e1, …]. */
  ranges: number[];
  done: boolean;
}

export type QuicHelloSink = (hello: HelloSpan) => void;

/**
 * QUIC client Initials: decrypt (RFC 9001), collect CRYPTO frames by offset across packets and
 * frames (clients such as Chrome split and reorder them), and hand over the ClientHello once the
 * crypto stream holds it whole. One ClientHello per client 4-tuple; retransmissions are ignored.
 */
export class QuicReassembler {
  readonly flows: BoundedFlows<QuicFlow>;

  constructor(
    limits: FlowLimits,
    private readonly onHello: QuicHelloSink,
    private readonly onError: (code: ParseCode) => void,
  ) {
    this.flows = new BoundedFlows<QuicFlow>(limits, (f, evicted) => {
      if (evicted && f.pending) onError('flow_evicted');
    });
  }

  /** Handles a UDP datagram; false when it is not a QUIC Initial (the caller may try DTLS). */
  datagram(pi: PacketInfo, tsUs: number): boolean {
    const buf = pi.buf;
    const start = pi.l4Off + 8;
    const end = pi.l4End;
    if (!isQuicInitial(buf, start, end)) return false;
    const sport = buf.readUInt16BE(pi.l4Off);
    const dport = buf.readUInt16BE(pi.l4Off + 2);
    const key = flowKey(pi, 'U', sport, dport);
    let flow = this.flows.get(key);
    if (flow === undefined && this.flows.get(reverseKey(pi, 'U', sport, dport)) !== undefined) return true; // the server's Initial
    if (flow !== undefined) {
      flow.lastUs = tsUs;
      if (flow.done) return true;
    }
    let pos = start;
    while (pos < end && isQuicInitial(buf, pos, end)) {
      const r = decryptInitial(buf, pos, end);
      if (!r.ok) {
        this.onError(r.code);
        return true;
      }
      if (flow === undefined) {
        flow = { lastUs: tsUs, bytes: 0, pending: true, buf: null, ranges: [], done: false };
        this.flows.add(key, flow, tsUs);
      }
      const f = flow;
      let err: ParseCode | null = null;
      const fr = readInitialFrames(r.value.payload, (offset, data) => {
        if (err === null) err = this.write(f, offset, data);
      });
      if (!fr.ok) err = fr.code;
      if (err !== null) return this.fail(f, err);
      if (this.tryEmit(f, pi, sport, dport, tsUs)) return true;
      pos = r.value.next;
    }
    return true;
  }

  private fail(flow: QuicFlow, code: ParseCode): true {
    this.onError(code);
    this.finish(flow);
    return true;
  }

  private finish(flow: QuicFlow): void {
    flow.done = true;
    flow.pending = false;
    flow.buf = null;
    flow.ranges = [];
    this.flows.resize(flow, 0);
  }

  private write(flow: QuicFlow, offset: number, data: Buffer): ParseCode | null {
    const end = offset + data.length;
    if (end > this.flows.limits.maxFlowBytes) return 'reassembly_overflow';
    if (data.length === 0) return null;
    if (flow.buf === null || flow.buf.length < end) {
      let size = flow.buf === null ? 2048 : flow.buf.length;
      while (size < end) size *= 2;
      size = Math.min(size, this.flows.limits.maxFlowBytes);
      if (!this.flows.resize(flow, size)) return 'flow_evicted';
      const next = Buffer.alloc(size);
      if (flow.buf !== null) flow.buf.copy(next);
      flow.buf = next;
    }
    if (flow.ranges.length >= MAX_RANGES) return 'reassembly_overflow';
    data.copy(flow.buf, offset);
    addRange(flow.ranges, offset, end);
    return null;
  }

  private tryEmit(flow: QuicFlow, pi: PacketInfo, sport: number, dport: number, tsUs: number): boolean {
    const r = flow.ranges;
    if (flow.buf === null || r.length === 0 || r[0] !== 0 || r[1] < 4) return false;
    const buf = flow.buf;
    if (buf[0] !== HT_CLIENT_HELLO) {
      this.fail(flow, 'client_hello');
      return true;
    }
    const total = 4 + buf.readUIntBE(1, 3);
    if (total > this.flows.limits.maxFlowBytes) {
      this.fail(flow, 'reassembly_overflow');
      return true;
    }
    if (r[1] < total) return false;
    this.onHello({ body: buf, bodyOff: 4, bodyEnd: total, packet: pi, srcPort: sport, dstPort: dport, tsUs });
    this.finish(flow);
    return true;
  }
}

/** Inserts [s, e) into a sorted list of disjoint ranges, merging neighbours. */
export function addRange(r: number[], s: number, e: number): void {
  let i = 0;
  while (i < r.length && r[i + 1] < s) i += 2;
  let ns = s;
  let ne = e;
  let j = i;
  while (j < r.length && r[j] <= ne) {
    if (r[j] < ns) ns = r[j];
    if (r[j + 1] > ne) ne = r[j + 1];
    j += 2;
  }
  r.splice(i, j - i, ns, ne);
}
