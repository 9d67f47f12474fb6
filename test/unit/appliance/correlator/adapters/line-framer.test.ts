import { describe, expect, it } from 'vitest';
import { LineFramer } from '../../../../../appliance/correlator/adapters/line-framer.js';

function framer(max = 16) {
  const lines: string[] = [];
  const long: number[] = [];
  const f = new LineFramer(
    max,
    (l) => lines.push(l),
    (n) => long.push(n),
  );
  return { f, lines, long };
}

describe('LineFramer', () => {
  it('splits lines within and across chunks, dropping CR and blank lines', () => {
    const { f, lines } = framer();
    f.push(Buffer.from('ab\ncd'));
    f.push(Buffer.from('ef\r\n\n'));
    f.push(Buffer.from('g'));
    f.push(Buffer.from('h\n'));
    expect(lines).toEqual(['ab', 'cdef', 'gh']);
    expect(f.pendingBytes).toBe(0);
  });

  it('skips an over-long line (reported once) and reads the next line normally', () => {
    const { f, lines, long } = framer(8);
    f.push(Buffer.from('0123456789abc'));
    f.push(Buffer.from('more-more-more'));
    f.push(Buffer.from('tail\nok\n'));
    f.push(Buffer.from('0123456789\nfine\n'));
    expect(long).toHaveLength(2);
    expect(lines).toEqual(['ok', 'fine']);
  });

  it('accepts a line of exactly the limit split over chunks', () => {
    const { f, lines, long } = framer(8);
    f.push(Buffer.from('0123'));
    f.push(Buffer.from('4567\n'));
    expect(lines).toEqual(['01234567']);
    expect(long).toEqual([]);
  });

  it('keeps a multi-byte UTF-8 character split between chunks intact', () => {
    const { f, lines } = framer();
    const bytes = Buffer.from('é€\n');
    f.push(bytes.subarray(0, 1));
    f.push(bytes.subarray(1, 3));
    f.push(bytes.subarray(3));
    expect(lines).toEqual(['é€']);
  });
});
