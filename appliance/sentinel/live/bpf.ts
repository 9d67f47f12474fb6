/**
 * The default capture filter: TCP (ClientHello and the client's SYN) and UDP (QUIC Initial) on
 * the server ports, both directions so the reassembler can tell client from server.
 */
export function buildFilter(ports: number[]): string {
  const list = ports.map((p) => `port ${p}`).join(' or ');
  return `(tcp or udp) and (${list})`;
}
