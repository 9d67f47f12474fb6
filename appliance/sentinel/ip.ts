import type { DecodeOutcome } from './link-layer.js';
import type { PacketInfo } from './packet-info.js';
import { decodeGre, decodeUdpTunnel, MAX_DEPTH } from './tunnel.js';

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
  if (version === 4) {
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
