import ipaddr from 'ipaddr.js';

/** IPv6 text: hex groups, colons and an optional dotted tail; no zone id, no blanks. */
const IPV6_TEXT = /^[0-9A-Fa-f:]+(:\d{1,3}(\.\d{1,3}){3})?$/;

/**
 * The canonical text of an IP address, or undefined when `text` is not one written in a form
 * every consumer reads the same way. IPv4: four decimal octets without leading zeros, as
 * inet_pton(3) takes them; inet_aton's shorthands (`127.1`, `0x7f.1`, `0177.0.0.1`) mean
 * different addresses to different parsers and are refused. IPv6: RFC 5952 text (lower case,
 * longest zero run compressed); zone ids (`fe80::1%eth0`) name an interface of one host and are
 * refused; an IPv4-mapped address (`::ffff:1.2.3.4`) becomes its IPv4 address, as the server
 * logs it when a dual-stack socket accepted an IPv4 client.
 */
export function canonicalIp(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 45) return undefined;
  if (!text.includes(':')) {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toString() : undefined;
  }
  if (!IPV6_TEXT.test(text) || !ipaddr.IPv6.isValid(text)) return undefined;
  const dotted = text.lastIndexOf(':');
  const tail = text.slice(dotted + 1);
  if (tail.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  const addr = ipaddr.IPv6.parse(text);
  if (addr.range() === 'ipv4Mapped') return addr.toIPv4Address().toString();
  return addr.toRFC5952String();
}

/**
 * The canonical text of a network, `address/bits` with the address in canonicalIp's form and no
 * host bits set (`10.1.2.3/8` is refused, not rounded: an analyst who typed it meant something
 * else), or undefined.
 */
export function canonicalCidr(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length > 49) return undefined;
  const slash = text.indexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) return undefined;
  const ip = canonicalIp(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (ip === undefined) return undefined;
  const v4 = !ip.includes(':');
  if (bits > (v4 ? 32 : 128)) return undefined;
  const addr = ipaddr.parse(ip);
  const network = (v4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(`${ip}/${bits}`);
  if (network.toString() !== addr.toString()) return undefined;
  return `${ip}/${bits}`;
}
