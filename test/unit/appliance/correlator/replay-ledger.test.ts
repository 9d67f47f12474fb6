/**
 * Replay and the log's ledger: while an earlier run's request lines go through the join again,
 * the ledger may only hear that the lines replayed so far have left the join, never the ones
 * still to come or still waiting there; else a batch confirmed meanwhile lets a segment go whose
 * request has no row anywhere yet, and a crash then loses it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../../../appliance/common/index.js';
import { SegmentLog } from '../../../../appliance/correlator/adapters/segment-log.js';
import { Batcher } from '../../../../appliance/correlator/domain/batcher.js';
import { ConnectionJoin } from '../../../../appliance/correlator/domain/join.js';
import { DurableLog } from '../../../../appliance/correlator/durable-log.js';
import { Ingest } from '../../../../appliance/correlator/ingest.js';
import { LogLedger } from '../../../../appliance/correlator/log-ledger.js';
import type { Batch } from '../../../../appliance/correlator/ports/batch.js';
import { recover } from '../../../../appliance/correlator/recovery.js';
import { fakeClock, httpEvent } from './fixtures.js';

const GRACE_MS = 300;
const TICK_MS = 100;

/** An earlier run's log, one segment per request line: plain, TLS whose handshake never came, plain. */
async function earlierLog(dir: string, requests: HttpEvent[]): Promise<void> {
  const seg = SegmentLog.open(dir, { segmentBytes: 1 });
  for (const r of requests) {
    seg.append('http', JSON.stringify(r));
    seg.flush();
  }
  await seg.close();
}

/** The parts of a restarted correlator that replay touches, on a fake clock. */
function restarted(dir: string) {
  const clock = fakeClock();
  const segments = SegmentLog.open(dir, { segmentBytes: 1 << 20 });
  const ledger = new LogLedger(true);
  const log = new DurableLog(segments, ledger, {
    logInput: true,
    fsync: 'never',
    fsyncIntervalMs: 1000,
    maxBytes: 1 << 30,
    onError: (err) => {
      throw err;
    },
  });
  const cut: Batch[] = [];
  const batcher = new Batcher({ maxRows: 1000, maxAgeMs: 50, runId: 'next' }, clock, (b) => {
    log.cut(b);
    cut.push(b);
  });
  const join = new ConnectionJoin(
    { idleWindowMs: 60_000, graceMs: GRACE_MS, maxConnections: 100, maxPending: 100, joinOnServerIp: false },
    clock,
    (row) => batcher.add(row),
  );
  const ingest = new Ingest({
    join,
    log,
    filter: { keep: () => true },
    clock,
    graceMs: GRACE_MS,
    tickMs: TICK_MS,
    onFiltered: () => undefined,
  });
  return { clock, segments, ledger, log, batcher, join, ingest, cut };
}

describe('replay and the ledger', () => {
  it('never lets a segment go whose replayed request still waits in the join', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-replay-ledger-'));
    const plain = (n: number) => httpEvent({ conn_id: `p-${n}`, conn_port: 41_000 + n, tls: false });
    const waiting = httpEvent({ conn_id: 'w-1', conn_port: 42_000, tls: true }); // no handshake in the log
    await earlierLog(dir, [plain(1), waiting, plain(3)]);
    expect(SegmentLog.open(dir, { segmentBytes: 1 }).segments).toEqual([1, 2, 3]);

    const r = restarted(dir);
    await recover(r.segments, r.ledger, {
      batch: () => undefined,
      line: (ev, line, exact, through) => r.ingest.replay(ev, line, exact, through),
    });
    expect(r.join.pending).toBe(1); // w-1 waits for its handshake

    // The replayed plain requests are cut into a batch and ClickHouse confirms it.
    r.batcher.flush();
    expect(r.cut.map((b) => b.rows)).toEqual([2]);
    r.log.ack(r.cut[0].id, true);
    r.log.segments.rotate(); // the current segment sealed too: every segment is a candidate
    expect(r.ledger.removable(undefined)).not.toContain(2); // segment 2 holds w-1's only copy

    // Its grace passes: w-1 leaves the join without fingerprints, in the next batch.
    for (let t = 0; t <= GRACE_MS + 2 * TICK_MS; t += TICK_MS) {
      r.clock.advance(TICK_MS);
      r.ingest.tick();
    }
    expect(r.join.pending).toBe(0);
    r.batcher.flush();
    r.log.ack(r.cut[1].id, true);
    // Now every request line's row is confirmed: all segments may go but the newest (its handshakes).
    expect(r.ledger.removable(undefined)).toEqual([1, 2, 3, 4]);
    await r.log.close();
  });
});
