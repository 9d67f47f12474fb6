import { appendFileSync, mkdtempSync, readdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  encodeRecord,
  HEADER_BYTES,
} from '../../../../../appliance/correlator/adapters/log-record.js';
import { SegmentLog } from '../../../../../appliance/correlator/adapters/segment-log.js';

const dir = () => mkdtempSync(join(tmpdir(), 'ja4-seglog-'));

async function records(log: SegmentLog) {
  const out: { seq: number; kind: string; payload: string }[] = [];
  const ends: { seq: number; end: number; size: number }[] = [];
  for (const seq of log.segments) {
    const r = await log.readSegment(seq, (rec, buf) => {
      out.push({ seq, kind: rec.kind, payload: buf.toString('utf8', rec.offset, rec.offset + rec.length) });
    });
    ends.push({ seq, ...r });
  }
  return { out, ends };
}

describe('log records', () => {
  it('round-trip; a cut record is not one, a damaged one is marked so a reader can step over it', () => {
    const buf = Buffer.alloc(256);
    const n = encodeRecord(buf, 0, 'http', '{"é":"x"}');
    expect(n).toBe(HEADER_BYTES + Buffer.byteLength('{"é":"x"}'));
    expect(decodeRecord(buf.subarray(0, n), 0)).toEqual({
      kind: 'http',
      offset: HEADER_BYTES,
      length: n - HEADER_BYTES,
      intact: true,
    });
    expect(decodeRecord(buf.subarray(0, n - 1), 0)).toBeUndefined(); // torn
    const damaged = Buffer.from(buf.subarray(0, n));
    damaged[n - 2] ^= 1;
    expect(decodeRecord(damaged, 0)?.intact).toBe(false); // checksum
    expect(decodeRecord(Buffer.alloc(n), 0)).toBeUndefined(); // zeros: no such kind
  });
});

describe('SegmentLog', () => {
  it('appends, flushes, reads back by reference and across a reopen, in order', async () => {
    const d = dir();
    const log = SegmentLog.open(d, { segmentBytes: 1 << 20 });
    log.append('tls', 'hello');
    const ref = log.append('batch', 'id-1\n1\n{"a":1}\n');
    log.append('ack', 'id-1');
    expect(await log.read(ref)).toBe('id-1\n1\n{"a":1}\n'); // still buffered: flushed first
    log.append('http', 'line');
    log.flush();
    await log.close();
    const again = SegmentLog.open(d, { segmentBytes: 1 << 20 });
    const { out } = await records(again);
    expect(out.map((r) => [r.kind, r.payload])).toEqual([
      ['tls', 'hello'],
      ['batch', 'id-1\n1\n{"a":1}\n'],
      ['ack', 'id-1'],
      ['http', 'line'],
    ]);
    // A new run writes a new segment, never appends to an old one.
    again.append('http', 'next');
    again.flush();
    expect(again.segments).toEqual([1, 2]);
    await again.close();
  });

  it('starts a new segment past segmentBytes and removes sealed ones whole', async () => {
    const d = dir();
    const log = SegmentLog.open(d, { segmentBytes: 64 });
    for (let i = 0; i < 10; i++) {
      log.append('http', `${'x'.repeat(40)}${i}`);
      log.flush();
    }
    // 50-byte records: a segment is sealed at its second (100 ≥ 64 bytes).
    expect(log.segments).toEqual([1, 2, 3, 4, 5]);
    log.append('http', 'one more');
    expect(log.writing).toBe(6);
    const before = log.bytes;
    await log.remove(1);
    await log.remove(6); // the segment being written is never removed
    expect(log.segments).toEqual([2, 3, 4, 5, 6]);
    expect(log.bytes).toBe(before - 100);
    log.flush();
    expect(readdirSync(d).sort()).toEqual([2, 3, 4, 5, 6].map((n) => `${String(n).padStart(16, '0')}.log`));
    await log.close();
  });

  it('stops at a torn tail (a crash mid-write) and reports where intact records end', async () => {
    const d = dir();
    const log = SegmentLog.open(d, { segmentBytes: 1 << 20 });
    log.append('http', 'one');
    log.append('http', 'two');
    log.flush();
    await log.close();
    const file = join(d, readdirSync(d)[0]);
    truncateSync(file, HEADER_BYTES + 3 + HEADER_BYTES + 1); // the second record cut short
    appendFileSync(file, Buffer.alloc(0));
    const { out, ends } = await records(SegmentLog.open(d, { segmentBytes: 1 << 20 }));
    expect(out.map((r) => r.payload)).toEqual(['one']);
    expect(ends[0]).toMatchObject({ end: HEADER_BYTES + 3, size: HEADER_BYTES + 3 + HEADER_BYTES + 1 });
  });
});
