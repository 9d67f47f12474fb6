import { describe, expect, it } from 'vitest';
import type { Batch } from '../../../../appliance/correlator/ports/batch.js';
import type { DeadLetter, DeadLetterEntry } from '../../../../appliance/correlator/ports/dead-letter.js';
import type { RowSink } from '../../../../appliance/correlator/ports/sink.js';
import { SplitWriter } from '../../../../appliance/correlator/split-writer.js';

/**
 * A store that refuses any insert holding a row with "bad" in it, or more than `maxRows` rows
 * with "wide" in them (the shape of ClickHouse's partition limit), and deduplicates by token.
 */
function store(opts: { maxWide?: number; outageAfter?: number } = {}) {
  const rows: string[] = [];
  const tokens: string[] = [];
  let inserts = 0;
  const sink: RowSink = {
    name: 'store',
    async write(batch: Batch) {
      inserts++;
      if (opts.outageAfter !== undefined && inserts > opts.outageAfter)
        throw new Error('connect ECONNREFUSED');
      const lines = batch.body.trim().split('\n');
      if (lines.some((l) => l.includes('bad')))
        throw Object.assign(new Error('row refused'), { code: '469' });
      if (lines.filter((l) => l.includes('wide')).length > (opts.maxWide ?? Infinity))
        throw Object.assign(new Error('Too many partitions for single INSERT block'), { code: '252' });
      if (tokens.includes(batch.id)) return;
      tokens.push(batch.id);
      rows.push(...lines);
    },
    classify: (err) => ((err as { code?: string }).code ? 'rows' : 'transient'),
    async close() {},
  };
  return { sink, rows, tokens, inserts: () => inserts };
}

function letters() {
  const entries: DeadLetterEntry[] = [];
  const dl: DeadLetter = {
    write: async (e) => {
      entries.push(...e);
    },
    status: () => ({ rows: entries.length, bytes: 0, lastReason: entries.at(-1)?.reason ?? '' }),
    close: async () => {},
  };
  return { dl, entries };
}

const noop = { split: () => undefined, deadLettered: () => undefined };
const batchOf = (lines: string[]): Batch => ({
  id: 'run-7',
  rows: lines.length,
  body: `${lines.join('\n')}\n`,
});

describe('SplitWriter', () => {
  it('writes a good batch whole', async () => {
    const s = store();
    const w = new SplitWriter(s.sink, letters().dl, { maxInserts: 100 }, noop);
    expect(await w.write(batchOf(['a', 'b']))).toEqual({ written: 2, deadLettered: 0 });
    expect(s.tokens).toEqual(['run-7']);
  });

  it('bisects to the refused rows: the good ones written in order, the bad ones dead-lettered with the reason', async () => {
    const s = store();
    const d = letters();
    const w = new SplitWriter(s.sink, d.dl, { maxInserts: 100 }, noop);
    const lines = Array.from({ length: 16 }, (_, i) => (i === 5 || i === 11 ? `bad-${i}` : `ok-${i}`));
    expect(await w.write(batchOf(lines))).toEqual({ written: 14, deadLettered: 2 });
    expect(s.rows).toEqual(lines.filter((l) => l.startsWith('ok')));
    expect(d.entries.map((e) => [e.line, e.batch, e.reason])).toEqual([
      ['bad-5', 'run-7-p0101', '469: row refused'],
      ['bad-11', 'run-7-p1011', '469: row refused'],
    ]);
  });

  it('splits a batch refused as a whole (too many partitions) until the parts fit, dead-lettering nothing', async () => {
    const s = store({ maxWide: 4 });
    const d = letters();
    const w = new SplitWriter(s.sink, d.dl, { maxInserts: 100 }, noop);
    const lines = Array.from({ length: 12 }, (_, i) => `wide-${i}`);
    expect(await w.write(batchOf(lines))).toEqual({ written: 12, deadLettered: 0 });
    expect(s.tokens).toEqual(['run-7-p00', 'run-7-p01', 'run-7-p10', 'run-7-p11']);
  });

  it('uses the same part tokens when the batch is written again, so parts that landed are not stored twice', async () => {
    const s = store({ outageAfter: 4 });
    const w = new SplitWriter(s.sink, letters().dl, { maxInserts: 100 }, noop);
    const lines = Array.from({ length: 8 }, (_, i) => (i === 6 ? 'bad' : `ok-${i}`));
    // whole (refused), p0 (written), p1 (refused), p10 (written), then the outage: thrown.
    await expect(w.write(batchOf(lines))).rejects.toThrow(/ECONNREFUSED/);
    const again = store();
    again.tokens.push(...s.tokens);
    again.rows.push(...s.rows);
    const w2 = new SplitWriter(again.sink, letters().dl, { maxInserts: 100 }, noop);
    await w2.write(batchOf(lines));
    expect(again.rows.sort()).toEqual(lines.filter((l) => l !== 'bad').sort());
  });

  it('dead-letters a one-row batch the store refuses', async () => {
    const s = store();
    const d = letters();
    const w = new SplitWriter(s.sink, d.dl, { maxInserts: 100 }, noop);
    expect(await w.write(batchOf(['bad']))).toEqual({ written: 0, deadLettered: 1 });
    expect(d.entries.map((e) => e.batch)).toEqual(['run-7-p0']);
    expect(s.inserts()).toBe(2);
  });

  it('rethrows an outage without splitting', async () => {
    const s = store({ outageAfter: 0 });
    const d = letters();
    const w = new SplitWriter(s.sink, d.dl, { maxInserts: 100 }, noop);
    await expect(w.write(batchOf(['bad']))).rejects.toThrow(/ECONNREFUSED/);
    expect(s.inserts()).toBe(1);
    expect(d.entries).toEqual([]);
  });

  it('past its insert budget dead-letters what still fails whole, so many bad rows cannot hold ingestion', async () => {
    const s = store();
    const d = letters();
    const w = new SplitWriter(s.sink, d.dl, { maxInserts: 6 }, noop);
    const lines = Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? `bad-${i}` : `ok-${i}`));
    const r = await w.write(batchOf(lines));
    expect(s.inserts()).toBeLessThanOrEqual(1 + 6 + 1);
    expect(r.written + r.deadLettered).toBe(64);
    expect(new Set([...s.rows, ...d.entries.map((e) => e.line)]).size).toBe(64);
  });
});
