/**
 * The join key: the TCP connection as the server saw it (DESIGN.md, "Data flow").
 * HTTP (conn_ip, conn_port, local_ip, local_port) = TLS (src_ip, src_port, dst_ip, dst_port).
 * Never the X-Forwarded-For address (client_ip): behind a proxy many clients share one peer.
 */

const V4_MAPPED = '::ffff:';

/**
 * Canonical text of an address for joining. Apache listening on a dual-stack socket reports an
 * IPv4 peer as an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2, "::ffff:192.0.2.1") while the
 * sentinel reads the IPv4 header, so the mapped prefix is removed. IPv6 text is lower-cased
 * (RFC 5952 §4.3) and a zone index ("%eth0", RFC 6874) dropped.
 * Pure string work: this runs twice per event on the hot path.
 */
export function normaliseIp(ip: string): string {
  let s = ip;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.indexOf(':') < 0) return s; // IPv4 dotted quad: already canonical
  s = s.toLowerCase();
  if (s.startsWith(V4_MAPPED) && s.indexOf('.') > 0) return s.slice(V4_MAPPED.length);
  if (s.startsWith('0:0:0:0:0:ffff:') && s.indexOf('.') > 0) return s.slice('0:0:0:0:0:ffff:'.length);
  return s;
}

/**
 * Builds the key. The server address is optional in the join (`withServerIp`): with NAT or a
 * container port mapping the sentinel and Apache can see different server addresses for the same
 * connection, while the client address and both ports still agree.
 */
export function connectionKey(
  clientIp: string,
  clientPort: number,
  serverIp: string,
  serverPort: number,
  withServerIp: boolean,
): string {
  const client = normaliseIp(clientIp);
  return withServerIp
    ? `${client}|${clientPort}|${normaliseIp(serverIp)}|${serverPort}`
    : `${client}|${clientPort}|${serverPort}`;
}
