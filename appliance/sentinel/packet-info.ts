/**
 * The innermost transport segment of one frame, as offsets into the frame's Buffer.
 * One instance is reused for every packet (no per-packet allocation); copy what you keep.
 */
export interface PacketInfo {
  buf: Buffer;
  ipVersion: 4 | 6;
  /** Offsets of the source and destination addresses (4 or 16 bytes each). */
  srcOff: number;
  dstOff: number;
  addrLen: 4 | 16;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** IP protocol of the transport header (6 TCP, 17 UDP). */
  proto: number;
  /** Transport header start and the end of the IP payload (bounded by the captured bytes). */
  l4Off: number;
  l4End: number;
  /** Encapsulations crossed to get here (GRE, VXLAN, Geneve, IP-in-IP). */
  depth: number;
}

export function newPacketInfo(): PacketInfo {
  return {
    buf: Buffer.alloc(0),
    ipVersion: 4,
    srcOff: 0,
    dstOff: 0,
    addrLen: 4,
    ttl: 0,
    proto: 0,
    l4Off: 0,
    l4End: 0,
    depth: 0,
  };
}

/**
 * A ClientHello as a reassembler hands it on: its body bytes `[bodyOff, bodyEnd)` of `body`, the
 * packet that completed it, the client and server ports and that packet's capture time.
 */
export interface HelloSpan {
  body: Buffer;
  bodyOff: number;
  bodyEnd: number;
  packet: PacketInfo;
  srcPort: number;
  dstPort: number;
  tsUs: number;
}
