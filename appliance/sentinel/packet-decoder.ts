/**
 * Decodes a captured frame down to its innermost TCP or UDP segment: the link layer, IPv4/IPv6
 * (with IPv6 extension headers) and the encapsulations a mirrored port carries (IP-in-IP, GRE and
 * ERSPAN, VXLAN, Geneve). The layers recurse into each other (a tunnel holds Ethernet or IP
 * again), so they live in one module; MAX_DEPTH bounds the recursion.
 */
import type { ParseCode } from './errors.js';
import type { PacketInfo } from './packet-info.js';

// LINKTYPE_* values, https://www.tcpdump.org/linktypes.html
export const LINKTYPE_NULL = 0; // BSD loopback, AF in host byte order
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101; // raw IPv4/IPv6
export const LINKTYPE_LOOP = 108; // OpenBSD loopback, AF in network byte order
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
const DLT_RAW_12 = 12; // DLT_RAW on some BSDs
const DLT_RAW_14 = 14; // DLT_RAW on OpenBSD

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // IEEE 802.1Q
const ETHERTYPE_QINQ = 0x88a8; // IEEE 802.1ad
const ETHERTYPE_QINQ_OLD = 0x9100;

/** Outcome of decoding a frame: '' = `out` holds a transport segment; 'skip' = not IP/TCP/UDP. */
export type DecodeOutcome = '' | 'skip' | ParseCode;

export const IPPROTO_IPIP = 4; // RFC 2003
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41; // RFC 2473
export const IPPROTO_GRE = 47; // RFC 2784
// IPv6 extension headers, RFC 8200 §4
const EH_HOP_BY_HOP = 0;
const EH_ROUTING = 43;
const EH_FRAGMENT = 44;
const EH_AH = 51; // RFC 4302: length in 4-octet units minus 2
const EH_DEST_OPTS = 60;
const EH_MOBILITY = 135;
const EH_HIP = 139;
const EH_SHIM6 = 140;

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

/** Decodes a frame of `linkType` down to its innermost TCP/UDP segment, filling `out`. */
export function decodeFrame(linkType: number, buf: Buffer, out: PacketInfo): DecodeOutcome {
  out.buf = buf;
  out.depth = 0;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return decodeEthernet(buf, 0, buf.length, out);
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (buf.length < 4) return 'truncated';
      // The AF value is 4 bytes in the writer's byte order; AF_INET is 2 everywhere, AF_INET6 is
      // 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
      const le = buf.readUInt32LE(0);
      const af = le < 256 ? le : buf.readUInt32BE(0);
      if (af === 2) return decodeIp(buf, 4, buf.length, 4, out);
      if (af === 10 || af === 24 || af === 28 || af === 30) return decodeIp(buf, 4, buf.length, 6, out);
      return 'skip';
    }
    case LINKTYPE_LINUX_SLL:
      if (buf.length < 16) return 'truncated';
      return byEtherType(buf.readUInt16BE(14), buf, 16, buf.length, out);
    case LINKTYPE_LINUX_SLL2:
      if (buf.length < 20) return 'truncated';
      return byEtherType(buf.readUInt16BE(0), buf, 20, buf.length, out);
    case LINKTYPE_RAW:
    case DLT_RAW_12:
    case DLT_RAW_14:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6: {
      if (buf.length < 1) return 'truncated';
      const v = buf[0] >> 4;
      return v === 4 || v === 6 ? decodeIp(buf, 0, buf.length, v, out) : 'bad_ip';
    }
    default:
      return 'unsupported_link';
  }
}

/** Ethernet II with any number of 802.1Q / 802.1ad tags (bounded by the frame). */
export function decodeEthernet(buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  if (off + 14 > end) return 'truncated';
  let pos = off + 12;
  let type = buf.readUInt16BE(pos);
  pos += 2;
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
    if (pos + 4 > end) return 'truncated';
    type = buf.readUInt16BE(pos + 2);
    pos += 4;
  }
  return byEtherType(type, buf, pos, end, out);
}

function byEtherType(type: number, buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  if (type === ETHERTYPE_IPV4) return decodeIp(buf, off, end, 4, out);
  if (type === ETHERTYPE_IPV6) return decodeIp(buf, off, end, 6, out);
  return 'skip';
}

/**
 * Decodes an IPv4 or IPv6 header (with IPv6 extension headers) at `off`, then the transport or
 * tunnel inside. Non-first fragments and protocols other than TCP/UDP/tunnels are skipped.
 */
export function decodeIp(
  buf: Buffer,
  off: number,
  end: number,
  version: number,
  out: PacketInfo,
): DecodeOutcome {
  return version === 4 ? decodeIpv4(buf, off, end, out) : decodeIpv6(buf, off, end, out);
}

/** The IPv4 header (RFC 791 §3.1); fragments are skipped. */
function decodeIpv4(buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  if (off + 20 > end) return 'truncated';
  const b0 = buf[off];
  if (b0 >> 4 !== 4) return 'bad_ip';
  const ihl = (b0 & 0x0f) * 4;
  if (ihl < 20 || off + ihl > end) return 'bad_ip';
  const total = buf.readUInt16BE(off + 2);
  // total = 0 happens with TCP segmentation offload captures; trust the captured length then.
  let l4End = total === 0 ? end : off + total;
  if (total !== 0 && total < ihl) return 'bad_ip';
  if (l4End > end) l4End = end; // snaplen cut the packet: use what was captured
  const frag = buf.readUInt16BE(off + 6);
  if ((frag & 0x1fff) !== 0 || (frag & 0x2000) !== 0) return 'skip'; // a fragment (RFC 791)
  out.ipVersion = 4;
  out.addrLen = 4;
  out.srcOff = off + 12;
  out.dstOff = off + 16;
  out.ttl = buf[off + 8];
  return decodeL4(buf[off + 9], buf, off + ihl, l4End, out);
}

/** RFC 8200, walking the extension headers (§4) to the upper-layer header. */
function decodeIpv6(buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  if (off + 40 > end) return 'truncated';
  if (buf[off] >> 4 !== 6) return 'bad_ip';
  const payloadLen = buf.readUInt16BE(off + 4);
  let l4End = payloadLen === 0 ? end : off + 40 + payloadLen; // 0 = jumbogram (RFC 2675) or TSO
  if (l4End > end) l4End = end;
  out.ipVersion = 6;
  out.addrLen = 16;
  out.srcOff = off + 8;
  out.dstOff = off + 24;
  out.ttl = buf[off + 7];
  let next = buf[off + 6];
  let pos = off + 40;
  for (let i = 0; i < 16; i++) {
    if (
      next === EH_HOP_BY_HOP ||
      next === EH_ROUTING ||
      next === EH_DEST_OPTS ||
      next === EH_MOBILITY ||
      next === EH_HIP ||
      next === EH_SHIM6
    ) {
      if (pos + 8 > l4End) return 'truncated';
      next = buf[pos];
      pos += (buf[pos + 1] + 1) * 8;
    } else if (next === EH_AH) {
      if (pos + 8 > l4End) return 'truncated';
      next = buf[pos];
      pos += (buf[pos + 1] + 2) * 4;
    } else if (next === EH_FRAGMENT) {
      if (pos + 8 > l4End) return 'truncated';
      const fo = buf.readUInt16BE(pos + 2);
      if ((fo & 0xfff8) !== 0 || (fo & 1) !== 0) return 'skip'; // a fragment (RFC 8200 §4.5)
      next = buf[pos];
      pos += 8;
    } else break;
  }
  if (pos > l4End) return 'truncated';
  return decodeL4(next, buf, pos, l4End, out);
}

function decodeL4(proto: number, buf: Buffer, off: number, end: number, out: PacketInfo): DecodeOutcome {
  switch (proto) {
    case IPPROTO_TCP:
      if (off + 20 > end) return 'truncated';
      break;
    case IPPROTO_UDP: {
      if (off + 8 > end) return 'truncated';
      const r = decodeUdpTunnel(buf, off, end, out);
      if (r !== 'skip') return r;
      break;
    }
    case IPPROTO_GRE:
      return decodeGre(buf, off, end, out);
    case IPPROTO_IPIP:
    case IPPROTO_IPV6:
      if (++out.depth > MAX_DEPTH) return 'tunnel_depth';
      return decodeIp(buf, off, end, proto === IPPROTO_IPIP ? 4 : 6, out);
    default:
      return 'skip';
  }
  out.proto = proto;
  out.l4Off = off;
  out.l4End = end;
  return '';
}

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
