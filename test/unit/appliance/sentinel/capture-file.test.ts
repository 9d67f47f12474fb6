import { describe, expect, it } from 'vitest';
import { walkCapture } from '../../../../appliance/sentinel/capture-file.js';
import { ipv4Packet, pcapFile, tcpSegment } from './helpers.js';

const frames = [1, 2, 3].map((i) => ({
  data: ipv4Packet(6, tcpSegment({ seq: i })),
  tsUs: 1_700_000_000_123_456 + i,
}));

function collect(buf: Buffer) {
  const got: [number, number, number][] = [];
  const r = walkCapture(buf, (lt, d, ts) => got.push([lt, d.length, ts]));
  return { r, got };
}

function block(type: number, body: Buffer): Buffer {
  const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}
function shb(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeBigInt64LE(-1n, 8);
  return block(0x0a0d0d0a, body);
}
function idb(linkType: number, tsresol?: number): Buffer {
  const opts =
    tsresol === undefined ? Buffer.alloc(0) : Buffer.from([9, 0, 1, 0, tsresol, 0, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from([linkType, 0, 0, 0, 0, 0, 0, 0]), opts]);
  return block(1, body);
}
function epb(iface: number, ts: bigint, data: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt32LE(iface, 0);
  h.writeUInt32LE(Number(ts >> 32n), 4);
  h.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  h.writeUInt32LE(data.length, 12);
  h.writeUInt32LE(data.length, 16);
  return block(6, Buffer.concat([h, data]));
}

describe('pcap', () => {
  it.each([
    ['little-endian µs', {}],
    ['big-endian µs', { bigEndian: true }],
    ['little-endian ns', { nanos: true }],
    ['big-endian ns', { bigEndian: true, nanos: true }],
  ])('reads %s', (_n, opts) => {
    const { r, got } = collect(pcapFile(101, frames, opts));
    expect(r.ok && r.value.format).toBe('pcap');
    expect(got).toEqual(frames.map((f) => [101, f.data.length, f.tsUs]));
  });

  it('reports a truncated last record with its offset and keeps the earlier ones', () => {
    const file = pcapFile(101, frames);
    const cut = file.subarray(0, file.length - 10);
    const { r, got } = collect(cut);
    expect(got).toHaveLength(2);
    const lastOffset = 24 + 2 * (16 + frames[0].data.length);
    expect(r.ok && r.value.damage).toEqual([
      { offset: lastOffset, reason: expect.stringContaining('truncated') },
    ]);
  });

  it('resynchronises after a damaged record header in the middle', () => {
    const file = Buffer.from(pcapFile(101, frames));
    const second = 24 + 16 + frames[0].data.length;
    file.writeUInt32LE(0x7fffffff, second + 8); // absurd captured length
    const { r, got } = collect(file);
    expect(got.map((g) => g[2])).toEqual([frames[0].tsUs, frames[2].tsUs]);
    expect(r.ok && r.value.damage[0].offset).toBe(second);
  });
});

describe('pcapng', () => {
  it('converts nanosecond stamps beyond 2^53 to µs exactly (integer arithmetic)', () => {
    const d = frames[0].data;
    // 1,795,295,280.123456789 s: as a double the ns count rounds to …456768, giving …456 µs only by luck;
    // …123456999 would round up to …457 µs in floating point.
    const file = Buffer.concat([shb(), idb(1, 9), epb(0, 1_795_295_280_123_456_999n, d)]);
    const { got } = collect(file);
    expect(got).toEqual([[1, d.length, 1_795_295_280_123_456]]);
  });

  it('reads several interfaces with their link types and timestamp resolutions', () => {
    const d = frames[0].data;
    const file = Buffer.concat([
      shb(),
      idb(101), // default 10^-6
      idb(1, 9), // nanoseconds
      epb(0, 1_700_000_000_000_001n, d),
      epb(1, 1_700_000_000_000_002_000n, Buffer.concat([Buffer.alloc(14), d])),
      block(3, Buffer.concat([Buffer.from([d.length, 0, 0, 0]), d])), // simple packet block, iface 0
    ]);
    const { r, got } = collect(file);
    expect(r.ok && r.value.format).toBe('pcapng');
    expect(got).toEqual([
      [101, d.length, 1_700_000_000_000_001],
      [1, d.length + 14, 1_700_000_000_000_002],
      [101, d.length, 1_700_000_000_000_002],
    ]);
  });

  it('skips a damaged block and continues with the next one', () => {
    const d = frames[0].data;
    const bad = epb(0, 5n, d);
    bad.writeUInt32LE(0xdeadbeef, bad.length - 4); // trailing length disagrees
    const file = Buffer.concat([shb(), idb(101), epb(0, 1n, d), bad, epb(0, 3n, d)]);
    const { r, got } = collect(file);
    expect(got.map((g) => g[2])).toEqual([1, 3]);
    expect(r.ok && r.value.damage.length).toBe(1);
  });

  it('rejects content that is neither pcap nor pcapng', () => {
    expect(walkCapture(Buffer.from('hello world, not a capture'), () => {}).ok).toBe(false);
  });
});
