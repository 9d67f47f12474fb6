/**
 * The capture filter: only what fingerprinting needs reaches user space, decided in the kernel.
 * On the server ports, from the client side:
 * - TCP SYNs without ACK (the client's SYN: its options and initial sequence number);
 * - TCP segments carrying payload, except those that begin a TLS application-data record
 *   (0x17 0x03, RFC 8446 §5.1): every segment of a ClientHello, however many it spans, and the
 *   handshake records after it, but not most of the encrypted traffic that follows;
 * - TCP FIN and RST (the reassembler forgets the flow at once);
 * - UDP datagrams with the QUIC long-header bit set (RFC 9000 §17.2: Initial packets carry the
 *   ClientHello; short-header packets never do).
 * Server data and pure ACKs, most of an HTTPS connection's packets, stay in the kernel.
 *
 * `tcp[...]` and `udp[...]` in pcap-filter(7) read IPv4 only, so IPv6 is matched on the fixed
 * header with `ip6[...]`: next header TCP (6) or UDP (17) right after the 40-byte header.
 * Not covered, as with any fixed-offset filter: IPv6 packets with extension headers before TCP or
 * UDP, IPv4 fragments after the first, and encapsulated traffic (VLAN tags the driver does not
 * strip, GRE, VXLAN); `sentinel.filter` replaces the filter for such links.
 */
export function buildFilter(ports: number[]): string {
  const any = (expr: (p: number) => string) => `(${ports.map(expr).join(' or ')})`;
  const v4 = [
    `tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn`,
    `tcp[tcpflags] & (tcp-fin|tcp-rst) != 0`,
    `(ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) > 0 and tcp[((tcp[12] & 0xf0) >> 2):2] != 0x1703)`,
  ].join(' or ');
  // ip6[40..]: the TCP or UDP header; ip6[52] the TCP data offset; ip6[4:2] the payload length.
  const v6tcp = [
    'ip6[53] & 0x12 = 0x02',
    'ip6[53] & 0x05 != 0',
    '(ip6[4:2] - ((ip6[52] & 0xf0) >> 2) > 0 and ip6[40 + ((ip6[52] & 0xf0) >> 2):2] != 0x1703)',
  ].join(' or ');
  return [
    `(tcp and ${any((p) => `tcp dst port ${p}`)} and (${v4}))`,
    `(udp and ${any((p) => `udp dst port ${p}`)} and udp[8] & 0x80 != 0)`,
    `(ip6 and ip6[6] = 6 and ${any((p) => `ip6[42:2] = ${p}`)} and (${v6tcp}))`,
    `(ip6 and ip6[6] = 17 and ${any((p) => `ip6[42:2] = ${p}`)} and ip6[48] & 0x80 != 0)`,
  ].join(' or ');
}

/** The filter before this one: every TCP and UDP packet on the ports, both directions (benchmarks compare). */
export function buildWideFilter(ports: number[]): string {
  const list = ports.map((p) => `port ${p}`).join(' or ');
  return `(tcp or udp) and (${list})`;
}
