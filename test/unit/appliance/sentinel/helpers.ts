/** Builders for synthetic ClientHellos, frames and capture files (tests only). */

export interface HelloSpec {
  version?: number;
  ciphers?: number[];
  /** Extensions as [type, data] in wire order. */
  extensions?: [number, Buffer][];
  sessionId?: number;
  dtls?: boolean;
}

const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
const u24 = (v: number) => Buffer.from([v >> 16, (v >> 8) & 0xff, v & 0xff]);

export function u16list(values: number[], lenBytes: 1 | 2 = 2): Buffer {
  const body = Buffer.concat(values.map(u16));
  return Buffer.concat([lenBytes === 1 ? Buffer.from([body.length]) : u16(body.length), body]);
}

export function sniExt(host: string): [number, Buffer] {
  const name = Buffer.from(host, 'latin1');
  const entry = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
  return [0, Buffer.concat([u16(entry.length), entry])];
}

export function alpnExt(protos: (string | Buffer)[]): [number, Buffer] {
  const list = Buffer.concat(
    protos.map((p) => {
      const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
      return Buffer.concat([Buffer.from([b.length]), b]);
    }),
  );
  return [0x10, Buffer.concat([u16(list.length), list])];
}

/** The handshake message: type 1, 3-byte length, ClientHello body. */
export function clientHelloMessage(spec: HelloSpec = {}): Buffer {
  const exts = spec.extensions ?? [sniExt('example.com'), alpnExt(['h2'])];
  const extBytes = Buffer.concat(exts.map(([t, d]) => Buffer.concat([u16(t), u16(d.length), d])));
  const sid = Buffer.alloc(spec.sessionId ?? 32, 7);
  const body = Buffer.concat([
    u16(spec.version ?? 0x0303),
    Buffer.alloc(32, 0x11),
    Buffer.from([sid.length]),
    sid,
    spec.dtls ? Buffer.from([0]) : Buffer.alloc(0),
    u16list(spec.ciphers ?? [0x1301, 0x1302, 0xc02b]),
    Buffer.from([1, 0]),
    u16(extBytes.length),
    extBytes,
  ]);
  return Buffer.concat([Buffer.from([1]), u24(body.length), body]);
}

/** A TLS handshake record carrying `msg`. */
export function tlsRecord(msg: Buffer, type = 22): Buffer {
  return Buffer.concat([Buffer.from([type, 3, 1]), u16(msg.length), msg]);
}

export interface TcpSpec {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  seq: number;
  flags?: number;
  options?: Buffer;
  window?: number;
  ttl?: number;
  payload?: Buffer;
}

function ipv4(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

export function ipv4Packet(
  proto: number,
  payload: Buffer,
  src = '10.0.0.1',
  dst = '10.0.0.2',
  ttl = 64,
): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = ttl;
  h[9] = proto;
  ipv4(src).copy(h, 12);
  ipv4(dst).copy(h, 16);
  return Buffer.concat([h, payload]);
}

export function tcpSegment(s: TcpSpec): Buffer {
  const opts = s.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20 + opts.length);
  h.writeUInt16BE(s.sport ?? 40000, 0);
  h.writeUInt16BE(s.dport ?? 443, 2);
  h.writeUInt32BE(s.seq >>> 0, 4);
  h[12] = ((20 + opts.length) / 4) << 4;
  h[13] = s.flags ?? 0x18;
  h.writeUInt16BE(s.window ?? 64240, 14);
  opts.copy(h, 20);
  return Buffer.concat([h, s.payload ?? Buffer.alloc(0)]);
}

export function udpDatagram(payload: Buffer, sport = 50000, dport = 443): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** IPv4 TCP packet (raw IP link type 101). */
export function tcpPacket(s: TcpSpec): Buffer {
  return ipv4Packet(6, tcpSegment(s), s.src, s.dst, s.ttl);
}

export function ethernet(ip: Buffer, etherType = 0x0800, vlans: number[] = []): Buffer {
  const tags = vlans.map((t) => Buffer.from([t >> 8, t & 0xff, 0, 1]));
  return Buffer.concat([Buffer.alloc(12, 0xaa), ...tags, u16(etherType), ip]);
}

/** A classic pcap file (little- or big-endian, µs or ns). */
export function pcapFile(
  linkType: number,
  frames: { data: Buffer; tsUs?: number }[],
  opts: { bigEndian?: boolean; nanos?: boolean } = {},
): Buffer {
  const w32 = (b: Buffer, v: number, o: number) =>
    opts.bigEndian ? b.writeUInt32BE(v >>> 0, o) : b.writeUInt32LE(v >>> 0, o);
  const head = Buffer.alloc(24);
  w32(head, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (opts.bigEndian) {
    head.writeUInt16BE(2, 4);
    head.writeUInt16BE(4, 6);
  } else {
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
  }
  w32(head, 65535, 16);
  w32(head, linkType, 20);
  const parts: Buffer[] = [head];
  for (const f of frames) {
    const ts = f.tsUs ?? 1_700_000_000_000_000;
    const h = Buffer.alloc(16);
    w32(h, Math.floor(ts / 1e6), 0);
    w32(h, opts.nanos ? (ts % 1e6) * 1000 : ts % 1e6, 4);
    w32(h, f.data.length, 8);
    w32(h, f.data.length, 12);
    parts.push(h, f.data);
  }
  return Buffer.concat(parts);
}
