import { describe, expect, it } from 'vitest';
import { correlatedRowSchema } from '../../../../../appliance/common/index.js';
import { Batcher } from '../../../../../appliance/correlator/domain/batcher.js';
import { buildRow, NO_TLS_FRAGMENT, rowLine } from '../../../../../appliance/correlator/domain/row.js';
import type { Batch } from '../../../../../appliance/correlator/ports/batch.js';
import { fakeClock, httpEvent } from '../fixtures.js';

describe('Batcher', () => {
  const row = (n: number) => JSON.stringify(buildRow(httpEvent({ conn_id: `c${n}` }), undefined));

  it('cuts by size, with ids <runId>-<seq> and one JSON line per row', () => {
    const clock = fakeClock();
    const out: Batch[] = [];
    const b = new Batcher({ maxRows: 3, maxAgeMs: 1000, runId: 'r1' }, clock, (x) => out.push(x));
    for (let i = 0; i < 7; i++) b.add(row(i));
    expect(out.map((x) => [x.id, x.rows])).toEqual([
      ['r1-1', 3],
      ['r1-2', 3],
    ]);
    const lines = out[0].body.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(correlatedRowSchema.parse(JSON.parse(lines[1])).conn_id).toBe('c1');
    expect(b.buffered).toBe(1);
  });

  it('cuts by age from the first row of the batch', () => {
    const clock = fakeClock();
    const out: Batch[] = [];
    const b = new Batcher({ maxRows: 100, maxAgeMs: 1000, runId: 'r' }, clock, (x) => out.push(x));
    b.tick();
    expect(out).toHaveLength(0);
    b.add(row(1));
    clock.advance(999);
    b.tick();
    expect(out).toHaveLength(0);
    clock.advance(1);
    b.tick();
    expect(out.map((x) => x.rows)).toEqual([1]);
  });

  it('flush() cuts what is open, and nothing when empty', () => {
    const out: Batch[] = [];
    const b = new Batcher({ maxRows: 100, maxAgeMs: 1000, runId: 'r' }, fakeClock(), (x) => out.push(x));
    b.flush();
    b.add(row(1));
    b.flush();
    expect(out.map((x) => x.rows)).toEqual([1]);
  });

  it('keeps hostile header text on one line', () => {
    const out: Batch[] = [];
    const b = new Batcher({ maxRows: 1, maxAgeMs: 1000, runId: 'r' }, fakeClock(), (x) => out.push(x));
    b.add(rowLine(httpEvent({ user_agent: 'a\nb\r\n\u2028"}' }), NO_TLS_FRAGMENT));
    expect(out[0].body.split('\n')).toHaveLength(2);
    expect(JSON.parse(out[0].body).user_agent).toBe('a\nb\r\n\u2028"}');
  });
});
