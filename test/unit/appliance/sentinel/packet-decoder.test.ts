import { describe, expect, it } from 'vitest';
import { ipToString } from '../../../../appliance/sentinel/addr.js';
import { decodeFrame } from '../../../../appliance/sentinel/packet-decoder.js';
import { newPacketInfo } from '../../../../appliance/sentinel/packet-info.js';
import { ethernet, ipv4Packet, tcpSegment, udpDatagram } from './helpers.js';

const TCP = tcpSegment({ seq: 1, sport: 1234, dport: 443 });
const IP4 = ipv4Packet(6, TCP, '192.0.2.1', '198.51.100.2');

function ipv6Packet(next: number, payload: Buffer, ext: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(ext.length + payload.length, 4);
  h[6] = next;
  h[7] = 57;
  h.writeUInt16BE(0x2001, 8);
  h.writeUInt16BE(0x0db8, 10);
  h[23] = 1;
  h.writeUInt16BE(0x2001, 24);
  h.writeUInt16BE(0x0db8, 26);
  h[39] = 2;
  return Buffer.concat([h, ext, payload]);
}

function decoded(linkType: number, frame: Buffer) {
  const pi = newPacketInfo();
  const r = decodeFrame(linkType, frame, pi);
  if (r !== '') return r;
  return {
    src: ipToString(pi.buf, pi.srcOff, pi.addrLen),
    dst: ipToString(pi.buf, pi.dstOff, pi.addrLen),
    proto: pi.proto,
    dport: pi.buf.readUInt16BE(pi.l4Off + 2),
    depth: pi.depth,
    ttl: pi.ttl,
  };
}

const V4 = { src: '192.0.2.1', dst: '198.51.100.2', proto: 6, dport: 443, depth: 0, ttl: 64 };

describe('link layers', () => {
  it('Ethernet, 802.1Q and QinQ', () => {
    expect(decoded(1, ethernet(IP4))).toEqual(V4);
    expect(decoded(1, ethernet(IP4, 0x0800, [0x8100]))).toEqual(V4);
    expect(decoded(1, ethernet(IP4, 0x0800, [0x88a8, 0x8100]))).toEqual(V4);
  });
  it('Linux cooked SLL and SLL2', () => {
    const sll = Buffer.alloc(16);
    sll.writeUInt16BE(0x0800, 14);
    expect(decoded(113, Buffer.concat([sll, IP4]))).toEqual(V4);
    const sll2 = Buffer.alloc(20);
    sll2.writeUInt16BE(0x0800, 0);
    expect(decoded(276, Buffer.concat([sll2, IP4]))).toEqual(V4);
  });
  it('raw IP and BSD loopback in both byte orders', () => {
    expect(decoded(101, IP4)).toEqual(V4);
    expect(decoded(228, IP4)).toEqual(V4);
    const le = Buffer.from([2, 0, 0, 0]);
    const be = Buffer.from([0, 0, 0, 30]);
    expect(decoded(0, Buffer.concat([le, IP4]))).toEqual(V4);
    expect(decoded(108, Buffer.concat([be, ipv6Packet(6, TCP)]))).toMatchObject({ src: '2001:db8::1' });
  });
  it('IPv6 with hop-by-hop, routing and destination options headers', () => {
    const hbh = Buffer.from([43, 0, 0, 0, 0, 0, 0, 0]);
    const rt = Buffer.from([60, 0, 0, 0, 0, 0, 0, 0]);
    const dst = Buffer.from([6, 1, ...Array(14).fill(0)]);
    const r = decoded(229, ipv6Packet(0, TCP, Buffer.concat([hbh, rt, dst])));
    expect(r).toEqual({ src: '2001:db8::1', dst: '2001:db8::2', proto: 6, dport: 443, depth: 0, ttl: 57 });
  });
  it('skips non-first fragments and reports truncation', () => {
    const frag = Buffer.from(IP4);
    frag.writeUInt16BE(0x0010, 6);
    expect(decoded(101, frag)).toBe('skip');
    expect(decoded(101, IP4.subarray(0, 30))).toBe('truncated');
    expect(decoded(999, IP4)).toBe('unsupported_link');
  });
});

describe('tunnels', () => {
  const gre = (proto: number, inner: Buffer, flags = 0) => {
    const h = Buffer.alloc(4 + (flags & 0x1000 ? 4 : 0));
    h.writeUInt16BE(flags, 0);
    h.writeUInt16BE(proto, 2);
    return ipv4Packet(47, Buffer.concat([h, inner]), '203.0.113.1', '203.0.113.2');
  };
  it('GRE with IPv4 and transparent Ethernet', () => {
    expect(decoded(101, gre(0x0800, IP4))).toEqual({ ...V4, depth: 1 });
    expect(decoded(101, gre(0x6558, ethernet(IP4)))).toEqual({ ...V4, depth: 1 });
  });
  it('ERSPAN II and III', () => {
    expect(decoded(101, gre(0x88be, Buffer.concat([Buffer.alloc(8), ethernet(IP4)]), 0x1000))).toEqual({
      ...V4,
      depth: 1,
    });
    expect(decoded(101, gre(0x22eb, Buffer.concat([Buffer.alloc(12), ethernet(IP4)])))).toEqual({
      ...V4,
      depth: 1,
    });
  });
  it('VXLAN and Geneve', () => {
    const vx = Buffer.concat([Buffer.from([0x08, 0, 0, 0, 0, 0, 1, 0]), ethernet(IP4)]);
    expect(decoded(101, ipv4Packet(17, udpDatagram(vx, 5555, 4789)))).toEqual({ ...V4, depth: 1 });
    const gen = Buffer.concat([
      Buffer.from([0x01, 0, 0x65, 0x58, 0, 0, 1, 0]),
      Buffer.alloc(4),
      ethernet(IP4),
    ]);
    expect(decoded(101, ipv4Packet(17, udpDatagram(gen, 5555, 6081)))).toEqual({ ...V4, depth: 1 });
  });
  it('gives up on deep nesting', () => {
    let p = IP4;
    for (let i = 0; i < 8; i++) p = ipv4Packet(4, p);
    expect(decoded(101, p)).toBe('tunnel_depth');
  });
});
