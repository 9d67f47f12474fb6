import { describe, expect, it } from 'vitest';
import { LogLedger } from '../../../../appliance/correlator/log-ledger.js';

describe('LogLedger', () => {
  it('removes a segment once its batches are confirmed and its request lines are in a confirmed batch', () => {
    const l = new LogLedger(false);
    l.http(1);
    l.http(1); // request lines 1-2 in segment 1
    l.emittedThrough(2); // both left the join
    l.cut('b1', 1); // ... so batch b1, cut now, holds their rows
    l.http(2); // line 3, segment 2, still in the join
    expect(l.removable(3)).toEqual([]);
    l.confirm('b1');
    expect(l.confirmedThrough).toBe(2);
    expect(l.removable(3)).toEqual([1]);
    expect(l.removable(1)).toEqual([]); // never the segment being written
  });

  it('a batch cut before its lines left the join does not confirm them', () => {
    const l = new LogLedger(false);
    l.http(1);
    l.cut('b1'); // line 1 was still waiting for its handshake
    l.emittedThrough(1);
    l.confirm('b1');
    expect(l.removable(2)).toEqual([]);
    l.cut('b2');
    l.confirm('b2');
    expect(l.removable(2)).toEqual([1]);
  });

  it('settles when nothing is cut and unconfirmed', () => {
    const l = new LogLedger(false);
    l.http(1);
    l.emittedThrough(1);
    l.settled();
    expect(l.removable(2)).toEqual([1]);
  });

  it('keeps the newest removable segment for its handshakes when input is logged', () => {
    const l = new LogLedger(true);
    l.http(1);
    l.tls(2);
    l.http(3);
    l.emittedThrough(2);
    l.settled();
    expect(l.removable(4)).toEqual([1, 2]);
    l.forget(1);
    l.forget(2);
    expect(l.removable(4)).toEqual([]); // 3 is now the newest removable one: kept
  });

  it('counts unconfirmed recorded batches, recovered ones included', () => {
    const l = new LogLedger(false);
    l.recovered('old', 1);
    l.cut('new', 2);
    expect(l.unconfirmedBatches).toBe(2);
    l.confirm('old');
    l.confirm('new');
    expect(l.unconfirmedBatches).toBe(0);
    expect(l.removable(3)).toEqual([1, 2]);
  });
});
