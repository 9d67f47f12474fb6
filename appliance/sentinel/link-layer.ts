import type { ParseCode } from './errors.js';
import { decodeIp } from './ip.js';
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
