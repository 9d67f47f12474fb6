import { describe, expect, it } from 'vitest';
import { FingerprintPipeline } from '../../../../appliance/sentinel/pipeline.js';
import type { ClientHelloRecord } from '../../../../appliance/sentinel/record.js';
import { alpnExt, clientHelloMessage, sniExt, tcpPacket, tlsRecord } from './helpers.js';

const RAW = 101;
const ISN = 0xfffffff0; // close to wrap-around on purpose
const HELLO = tlsRecord(clientHelloMessage({ extensions: [sniExt('split.example'), alpnExt(['h2'])] }));

function run(
  segments: { off: number; len?: number; flags?: number; payload?: Buffer }[],
  opts: { syn?: boolean; limits?: ConstructorParameters<typeof FingerprintPipeline>[1] } = {},
) {
  const out: ClientHelloRecord[] = [];
  const p = new FingerprintPipeline((r) => out.push(r), opts.limits);
  let ts = 1_700_000_000_000_000;
  if (opts.syn !== false) {
    // MSS 1460, SACK permitted, timestamps, NOP, window scale 7: options "2-4-8-1-3"
    const options = Buffer.from([2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
    p.push(RAW, tcpPacket({ seq: ISN, flags: 0x02, options, window: 29200, ttl: 63 }), ts++);
  }
  for (const s of segments) {
    const payload = s.payload ?? HELLO.subarray(s.off, s.len === undefined ? undefined : s.off + s.len);
    p.push(RAW, tcpPacket({ seq: (ISN + 1 + s.off) >>> 0, flags: s.flags ?? 0x18, payload }), ts++);
  }
  return { out, p };
}

describe('TCP reassembly of the ClientHello', () => {
  it('reads a ClientHello in one segment, with the SYN metadata', () => {
    const { out } = run([{ off: 0 }]);
    expect(out).toHaveLength(1);
    expect(out[0].sni).toBe('split.example');
    expect(out[0].syn).toEqual({
      window: 29200,
      mss: 1460,
      wscale: 7,
      ttl: 63,
      options: '2-4-8-1-3',
      sack: true,
      timestamps: true,
    });
    // The SYN's capture time and sequence number name the connection for the correlator.
    expect(out[0]).toMatchObject({ syn_ts_us: 1_700_000_000_000_000, syn_seq: ISN });
    expect(out[0].ts_us).toBe(1_700_000_000_000_001);
  });

  it('joins segments that arrive out of order', () => {
    const { out } = run([{ off: 60 }, { off: 20, len: 40 }, { off: 0, len: 20 }]);
    expect(out).toHaveLength(1);
    expect(out[0].sni).toBe('split.example');
  });

  it('handles retransmitted and overlapping segments (first copy wins)', () => {
    const junk = Buffer.alloc(30, 0xee);
    const { out } = run([
      { off: 0, len: 50 },
      { off: 0, len: 50 },
      { off: 40, len: 30 },
      { off: 45, payload: junk }, // overlaps bytes already assembled: ignored there, beyond: counted
      { off: 10, len: 100 },
      { off: 70 },
    ]);
    expect(out.map((r) => r.sni)).toEqual(['split.example']);
  });

  it('fingerprints without the SYN when a segment starts a ClientHello record', () => {
    const { out } = run([{ off: 0, len: 30 }, { off: 30 }], { syn: false });
    expect(out).toHaveLength(1);
    expect(out[0].syn).toBeNull();
    expect(out[0]).toMatchObject({ syn_ts_us: null, syn_seq: null });
  });

  it('emits the second ClientHello after a HelloRetryRequest, skipping the CCS record', () => {
    const ccs = tlsRecord(Buffer.from([1]), 20);
    const second = tlsRecord(clientHelloMessage({ extensions: [sniExt('retry.example')] }));
    const { out } = run([{ off: 0 }, { off: HELLO.length, payload: Buffer.concat([ccs, second]) }]);
    expect(out.map((r) => r.sni)).toEqual(['split.example', 'retry.example']);
  });

  it('records the client address from a PROXY v1 header in front of the ClientHello', () => {
    const proxy = Buffer.from('PROXY TCP4 198.51.100.7 10.0.0.2 51234 443\r\n');
    const { out } = run([{ off: 0, payload: Buffer.concat([proxy, HELLO]) }]);
    expect(out).toHaveLength(1);
    expect([out[0].proxy_client_ip, out[0].proxy_client_port, out[0].sni]).toEqual([
      '198.51.100.7',
      51234,
      'split.example',
    ]);
  });

  it('records the client address from a PROXY v2 header (IPv6)', () => {
    const sig = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
    const addrs = Buffer.alloc(36);
    addrs.writeUInt16BE(0x2001, 0);
    addrs.writeUInt16BE(0x0db8, 2);
    addrs[15] = 5;
    addrs.writeUInt16BE(40000, 32);
    addrs.writeUInt16BE(443, 34);
    const head = Buffer.concat([sig, Buffer.from([0x21, 0x21, 0, 36]), addrs]);
    // header split from the ClientHello across segments
    const { out } = run([
      { off: 0, payload: head.subarray(0, 20) },
      { off: 20, payload: Buffer.concat([head.subarray(20), HELLO]) },
    ]);
    expect([out[0]?.proxy_client_ip, out[0]?.proxy_client_port]).toEqual(['2001:db8::5', 40000]);
  });

  it('counts a ClientHello larger than the per-flow bound as reassembly_overflow', () => {
    const big = tlsRecord(clientHelloMessage({ extensions: [[0xff00, Buffer.alloc(3000)]] }));
    const { out, p } = run([{ off: 0, payload: big }], { limits: { maxFlowBytes: 1024 } });
    expect(out).toHaveLength(0);
    expect(p.stats.errors.reassembly_overflow).toBe(1);
  });

  it('bounds the flow table by count and idle age', () => {
    const p = new FingerprintPipeline(() => {}, { maxFlows: 16, idleUs: 1_000_000 });
    for (let i = 0; i < 100; i++) p.push(RAW, tcpPacket({ seq: 1, sport: 1000 + i, flags: 0x02 }), i);
    expect(p.flowCount()).toBe(16);
    p.push(RAW, tcpPacket({ seq: 1, sport: 9, flags: 0x02 }), 10_000_000);
    expect(p.flowCount()).toBe(1);
  });

  it('ignores mid-stream data that is not TLS without keeping state', () => {
    const { out, p } = run([{ off: 0, payload: Buffer.from('GET / HTTP/1.1\r\n\r\n') }], { syn: false });
    expect(out).toHaveLength(0);
    expect(p.flowCount()).toBe(0);
  });

  it('finds a ClientHello after a non-TLS preamble (SOCKS-style)', () => {
    const socks = Buffer.from([5, 1, 0]);
    const { out } = run([
      { off: 0, payload: socks },
      { off: 3, payload: HELLO },
    ]);
    expect(out).toHaveLength(1);
  });
});
