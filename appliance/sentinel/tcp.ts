import type { SynInfo } from '../common/index.js';
import type { PacketInfo } from './packet-info.js';

// RFC 9293 §3.1 header; option kinds from IANA "TCP Option Kind Numbers"
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;
const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2; // RFC 9293 §3.2
const OPT_WSCALE = 3; // RFC 7323 §2
const OPT_SACK_PERMITTED = 4; // RFC 2018
const OPT_TIMESTAMPS = 8; // RFC 7323 §3

/** The client's SYN: window, MSS, window scale, TTL and the option kinds in wire order. */
export function parseSyn(pi: PacketInfo, off: number, optEnd: number): SynInfo {
  const buf = pi.buf;
  const kinds: number[] = [];
  let mss: number | null = null;
  let wscale: number | null = null;
  let sack = false;
  let timestamps = false;
  let p = off + 20;
  while (p < optEnd) {
    const kind = buf[p];
    kinds.push(kind);
    if (kind === OPT_EOL) break;
    if (kind === OPT_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= optEnd) break;
    const len = buf[p + 1];
    if (len < 2 || p + len > optEnd) break; // malformed option: keep what we have
    if (kind === OPT_MSS && len === 4) mss = buf.readUInt16BE(p + 2);
    else if (kind === OPT_WSCALE && len === 3) wscale = buf[p + 2];
    else if (kind === OPT_SACK_PERMITTED) sack = true;
    else if (kind === OPT_TIMESTAMPS) timestamps = true;
    p += len;
  }
  return {
    window: buf.readUInt16BE(off + 14),
    mss,
    wscale,
    ttl: pi.ttl,
    options: kinds.join('-'),
    sack,
    timestamps,
  };
}

// One flat one-byte string per key (a concatenation of slices would be a rope that every Map
// lookup flattens first): written into a scratch buffer, decoded once.
const KEY = Buffer.alloc(1 + 16 + 16 + 4);

function directionKey(
  pi: PacketInfo,
  proto: string,
  from: number,
  to: number,
  fromPort: number,
  toPort: number,
): string {
  const b = pi.buf;
  const n = pi.addrLen;
  KEY[0] = proto.charCodeAt(0);
  for (let i = 0; i < n; i++) {
    KEY[1 + i] = b[from + i];
    KEY[1 + n + i] = b[to + i];
  }
  const p = 1 + 2 * n;
  KEY[p] = fromPort >> 8;
  KEY[p + 1] = fromPort & 0xff;
  KEY[p + 2] = toPort >> 8;
  KEY[p + 3] = toPort & 0xff;
  return KEY.toString('latin1', 0, p + 4);
}

/** A direction key: protocol letter, both addresses and both ports, as a compact string. */
export function flowKey(pi: PacketInfo, proto: string, sport: number, dport: number): string {
  return directionKey(pi, proto, pi.srcOff, pi.dstOff, sport, dport);
}

/** The key of the opposite direction of the same connection. */
export function reverseKey(pi: PacketInfo, proto: string, sport: number, dport: number): string {
  return directionKey(pi, proto, pi.dstOff, pi.srcOff, dport, sport);
}
