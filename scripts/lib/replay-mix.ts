/**
 * The capture bench:sentinel's replay stage sends onto a veth pair: a realistic HTTPS mix on
 * Ethernet-sized frames. Many short TLS connections (a real ClientHello from Node's TLS client,
 * some split over two segments, some over IPv6; the server's handshake flight, one request and
 * response, the closes) and a few bulk downloads, so that most packets are server data and ACKs.
 * Built as a classic pcap (LINKTYPE_ETHERNET); checksums are left zero (the capture side never
 * looks at them and nothing routes these packets).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface MixOptions {
  shortConnections: number;
  downloads: number;
  downloadBytes: number;
  serverPort: number;
}

export interface Mix {
  packets: number;
  /** ClientHellos in it: one per connection. */
  handshakes: number;
  bytes: number;
}

/** Ethernet's 1500-byte MTU less the IP and TCP headers (with timestamps). */
const mss = (v6: boolean) => (v6 ? 1428 : 1448);
const [SYN, ACK, PSH, FIN] = [0x02, 0x10, 0x08, 0x01];

/** Node's ClientHello record for `servername`, as its TLS client would put it on the wire. */
export function clientHello(servername: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        resolve(Buffer.from(chunk));
        cb();
        setImmediate(() => s.destroy());
      },
    });
    const s = tls.connect({ socket: wire, servername, rejectUnauthorized: false });
    s.on('error', () => {});
  });
}

/** A TLS record of `type` with `len` random body bytes (what encrypted traffic looks like). */
const record = (type: number, len: number) =>
  Buffer.concat([Buffer.from([type, 3, 3, len >> 8, len & 0xff]), randomBytes(len)]);

interface Endpoint {
  v6: boolean;
  client: Buffer;
  server: Buffer;
  cport: number;
  sport: number;
}

class PcapWriter {
  private readonly chunks: Buffer[] = [];
  packets = 0;
  bytes = 0;
  private us = 1_700_000_000_000_000;

  constructor() {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(65535, 16);
    h.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
    this.chunks.push(h);
  }

  /** One TCP segment of connection e, from the client when `up`. */
  tcp(
    e: Endpoint,
    up: boolean,
    seq: number,
    ack: number,
    flags: number,
    payload: Buffer = Buffer.alloc(0),
  ): void {
    const opts =
      flags & SYN ? Buffer.from([2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]) : null;
    const tcp = Buffer.alloc(20 + (opts?.length ?? 0));
    tcp.writeUInt16BE(up ? e.cport : e.sport, 0);
    tcp.writeUInt16BE(up ? e.sport : e.cport, 2);
    tcp.writeUInt32BE(seq >>> 0, 4);
    tcp.writeUInt32BE(ack >>> 0, 8);
    tcp[12] = (tcp.length / 4) << 4;
    tcp[13] = flags | (flags & SYN ? 0 : ACK);
    tcp.writeUInt16BE(502, 14);
    opts?.copy(tcp, 20);
    const [src, dst] = up ? [e.client, e.server] : [e.server, e.client];
    const l4 = tcp.length + payload.length;
    const ip = e.v6 ? Buffer.alloc(40) : Buffer.alloc(20);
    if (e.v6) {
      ip[0] = 0x60;
      ip.writeUInt16BE(l4, 4);
      ip[6] = 6;
      ip[7] = 64;
      src.copy(ip, 8);
      dst.copy(ip, 24);
    } else {
      ip[0] = 0x45;
      ip.writeUInt16BE(20 + l4, 2);
      ip[8] = 64;
      ip[9] = 6;
      src.copy(ip, 12);
      dst.copy(ip, 16);
    }
    const eth = Buffer.from([2, 0, 0, 0, 0, up ? 2 : 1, 2, 0, 0, 0, 0, up ? 1 : 2, 0, 0]);
    eth.writeUInt16BE(e.v6 ? 0x86dd : 0x0800, 12);
    const frame = Buffer.concat([eth, ip, tcp, payload]);
    const rec = Buffer.alloc(16);
    this.us += 10;
    rec.writeUInt32LE(Math.floor(this.us / 1e6), 0);
    rec.writeUInt32LE(this.us % 1e6, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    this.chunks.push(rec, frame);
    this.packets++;
    this.bytes += frame.length;
  }

  save(file: string): void {
    writeFileSync(file, Buffer.concat(this.chunks));
  }
}

/** One connection: handshake (the hello split in two when `split`), `down` bytes of response. */
function connection(w: PcapWriter, e: Endpoint, hello: Buffer, split: boolean, down: number): void {
  let c = 1000;
  let s = 5000;
  w.tcp(e, true, c - 1, 0, SYN);
  w.tcp(e, false, s - 1, c, SYN);
  w.tcp(e, true, c, s, 0);
  const parts: Buffer[] = split ? [hello.subarray(0, 100), hello.subarray(100)] : [hello];
  for (const p of parts) {
    w.tcp(e, true, c, s, PSH, p);
    c += p.length;
  }
  const MSS = mss(e.v6);
  const send = (up: boolean, data: Buffer) => {
    for (let off = 0; off < data.length; off += MSS) {
      const seg = data.subarray(off, off + MSS);
      if (up) {
        w.tcp(e, true, c, s, PSH, seg);
        c += seg.length;
        w.tcp(e, false, s, c, 0);
      } else {
        w.tcp(e, false, s, c, PSH, seg);
        s += seg.length;
        if ((off / MSS) % 2 === 1 || off + MSS >= data.length) w.tcp(e, true, c, s, 0); // delayed ACK
      }
    }
  };
  send(false, Buffer.concat([record(0x16, 122), record(0x17, 2600)])); // ServerHello, then encrypted flight
  send(true, Buffer.concat([record(0x14, 1), record(0x17, 53)])); // CCS, Finished
  send(true, record(0x17, 180)); // the request
  const chunks: Buffer[] = [];
  for (let left = Math.max(down, 300); left > 0; left -= 16_384)
    chunks.push(record(0x17, Math.min(left, 16_384)));
  send(false, Buffer.concat(chunks));
  w.tcp(e, true, c, s, FIN);
  w.tcp(e, false, s, c + 1, FIN);
  w.tcp(e, true, c + 1, s + 1, 0);
}

/** Writes the mix to `file`. */
export async function buildReplayMix(file: string, o: MixOptions): Promise<Mix> {
  const w = new PcapWriter();
  const server4 = Buffer.from([10, 9, 0, 1]);
  const server6 = Buffer.from('fd000000000000000000000000000001', 'hex');
  const total = o.shortConnections + o.downloads;
  const hellos = await Promise.all(Array.from({ length: 16 }, (_, i) => clientHello(`site${i}.test`)));
  // Downloads are spread among the short connections, as a busy server sees them.
  const every = Math.max(1, Math.floor(total / Math.max(1, o.downloads)));
  for (let i = 0; i < total; i++) {
    const bulk = i % every === every - 1 && Math.floor(i / every) < o.downloads;
    const v6 = i % 5 === 4;
    const client = v6
      ? Buffer.from(`fd00000000000000000000000002${(i & 0xffff).toString(16).padStart(4, '0')}`, 'hex')
      : Buffer.from([10, 8, (i >> 8) & 0xff, i & 0xff]);
    const e = {
      v6,
      client,
      server: v6 ? server6 : server4,
      cport: 20_000 + (i % 40_000),
      sport: o.serverPort,
    };
    connection(w, e, hellos[i % hellos.length], i % 3 === 1, bulk ? o.downloadBytes : 0);
  }
  w.save(file);
  return { packets: w.packets, handshakes: total, bytes: w.bytes };
}
