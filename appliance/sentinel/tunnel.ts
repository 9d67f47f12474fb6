import { decodeIp } from './ip.js';
import { type DecodeOutcome, decodeEthernet, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link-layer.js';
import type { PacketInfo } from './packet-info.js';

/** Nested encapsulations we follow before giving up (a loop guard for crafted packets). */
export const MAX_DEPTH = 4;
const UDP_VXLAN = 4789; // RFC 7348
const UDP_GENEVE = 6081; // RFC 8926
const GRE_TEB = 0x6558; // Transparent Ethernet Bridging (RFC 1701 protocol type)
const GRE_ERSPAN_2 = 0x88be; // ERSPAN type I (no header, no S bit) and type II
const GRE_ERSPAN_3 = 0x22eb; // ERSPAN type III
const GRE_C = 0x8000; // checksum present (RFC 2784)
const GRE_K = 0x2000; // key present (RFC 2890)
const GRE_S = 0x1000; // sequence number present (RFC 2890)

/** GRE (RFC 2784/2890), including ERSPAN types I, II and III. */
export function decodeGre(buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  if (++out.depth > MAX_DEPTH) return 'tunnel_depth';
  if (off + 4 > end) return 'truncated';
  const flags = buf.readUInt16BE(off);
  if ((flags & 0x0007) !== 0) return 'skip'; // version 1 is PPTP's enhanced GRE
  const proto = buf.readUInt16BE(off + 2);
  let pos = off + 4;
  if (flags & GRE_C) pos += 4;
  if (flags & GRE_K) pos += 4;
  if (flags & GRE_S) pos += 4;
  if (pos > end) return 'truncated';
  switch (proto) {
    case ETHERTYPE_IPV4:
      return decodeIp(buf, pos, end, 4, out);
    case ETHERTYPE_IPV6:
      return decodeIp(buf, pos, end, 6, out);
    case GRE_TEB:
      return decodeEthernet(buf, pos, end, out);
    case GRE_ERSPAN_2:
      // Type I has no ERSPAN header and no sequence number; type II has an 8-byte header.
      return decodeEthernet(buf, flags & GRE_S ? pos + 8 : pos, end, out);
    case GRE_ERSPAN_3: {
      // 12-byte header; the O flag (lowest bit of byte 11) adds an 8-byte platform sub-header.
      if (pos + 12 > end) return 'truncated';
      const o = buf[pos + 11] & 0x01;
      return decodeEthernet(buf, pos + 12 + (o ? 8 : 0), end, out);
    }
    default:
      return 'skip';
  }
}

/** VXLAN and Geneve over UDP; 'skip' when the datagram is neither (then it is plain UDP). */
export function decodeUdpTunnel(buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  const sport = buf.readUInt16BE(off);
  const dport = buf.readUInt16BE(off + 2);
  const pos = off + 8;
  // Either port: some VTEPs answer from 4789 to an ephemeral or other port.
  if (dport === UDP_VXLAN || sport === UDP_VXLAN) {
    // RFC 7348 §5: flags byte with the I bit set, 3 reserved, 3-byte VNI, 1 reserved.
    if (pos + 8 > end || (buf[pos] & 0x08) === 0) return 'skip';
    if (++out.depth > MAX_DEPTH) return 'tunnel_depth';
    return decodeEthernet(buf, pos + 8, end, out);
  }
  if (dport === UDP_GENEVE || sport === UDP_GENEVE) {
    // RFC 8926 §3.4: version 0, options length in 4-byte multiples, protocol type.
    if (pos + 8 > end || buf[pos] >> 6 !== 0) return 'skip';
    const optLen = (buf[pos] & 0x3f) * 4;
    const proto = buf.readUInt16BE(pos + 2);
    const inner = pos + 8 + optLen;
    if (inner > end) return 'truncated';
    if (++out.depth > MAX_DEPTH) return 'tunnel_depth';
    if (proto === GRE_TEB) return decodeEthernet(buf, inner, end, out);
    if (proto === ETHERTYPE_IPV4) return decodeIp(buf, inner, end, 4, out);
    if (proto === ETHERTYPE_IPV6) return decodeIp(buf, inner, end, 6, out);
    return 'skip';
  }
  return 'skip';
}
