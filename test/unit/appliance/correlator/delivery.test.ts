import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsSpool } from '../../../../appliance/correlator/adapters/fs-spool.js';
import { Delivery, type DeliveryObserver } from '../../../../appliance/correlator/delivery.js';
import type { Batch } from '../../../../appliance/correlator/ports/batch.js';
import type { RowSink } from '../../../../appliance/correlator/ports/sink.js';

/** A sink whose availability the test switches; it records what it stored, keyed like ClickHouse dedup. */
function controllableSink() {
  const stored: string[] = [];
  const seenTokens = new Set<string>();
  const state = { up: true, landButFail: false, attempts: 0 };
  const sink: RowSink = {
    name: 'fake',
    async write(batch: Batch) {
      state.attempts++;
      if (!state.up) throw new Error('connect ECONNREFUSED');
      if (!seenTokens.has(batch.id)) {
        seenTokens.add(batch.id);
        stored.push(batch.id);
      }
      // The insert landed but the answer was lost (timeout): the caller must treat it as failed.
      if (state.landButFail) throw new Error('socket hang up');
    },
    async close() {},
  };
  return { sink, stored, state };
}

function recorder() {
  const events: string[] = [];
  const observer: DeliveryObserver = {
    written: (b, _ms, replayed) => events.push(`${replayed ? 'replayed' : 'written'}:${b.id}`),
    failed: (b) => events.push(`failed:${b.id}`),
    spooled: (b) => events.push(`spooled:${b.id}`),
    spoolRefused: (b) => events.push(`refused:${b.id}`),
    pressure: (on) => events.push(`pressure:${on}`),
    lost: (b) => events.push(`lost:${b.id}`),
  };
  return { events, observer };
}

const b = (n: number): Batch => ({ id: `run-${n}`, rows: 1, body: `{"n":${n}}\n` });
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const OPTS = { retryMinMs: 10, retryMaxMs: 40, maxQueuedBatches: 4 };

describe('Delivery', () => {
  it('writes in order while the sink is up', async () => {
    const { sink, stored } = controllableSink();
    const spool = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-dl-')), 1 << 20);
    const d = new Delivery(sink, spool, OPTS, recorder().observer);
    for (let i = 1; i <= 5; i++) d.submit(b(i));
    await until(() => stored.length === 5);
    expect(stored).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
    await d.close();
  });

  it('spools through an outage and replays everything in order, exactly once, when the sink is back', async () => {
    const { sink, stored, state } = controllableSink();
    const spool = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-dl-')), 1 << 20);
    const { events, observer } = recorder();
    const d = new Delivery(sink, spool, OPTS, observer);
    d.submit(b(1));
    await until(() => stored.length === 1);
    state.up = false;
    for (let i = 2; i <= 6; i++) d.submit(b(i));
    await until(() => spool.count === 5);
    expect(stored).toEqual(['run-1']);
    await new Promise((r) => setTimeout(r, 60)); // a few retries against the dead sink
    state.up = true;
    await until(() => spool.count === 0 && stored.length === 6);
    d.submit(b(7));
    await until(() => stored.length === 7);
    expect(stored).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5', 'run-6', 'run-7']);
    expect(events.filter((e) => e.startsWith('replayed:'))).toHaveLength(5);
    expect(events).not.toContain('lost:run-7');
    await d.close();
  });

  it('a batch whose failed write did land is replayed with the same id, so it is stored once', async () => {
    const { sink, stored, state } = controllableSink();
    const spool = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-dl-')), 1 << 20);
    const d = new Delivery(sink, spool, OPTS, recorder().observer);
    state.landButFail = true;
    d.submit(b(1));
    await until(() => spool.count === 1);
    state.landButFail = false;
    await until(() => spool.count === 0);
    expect(state.attempts).toBeGreaterThanOrEqual(2);
    expect(stored).toEqual(['run-1']);
    await d.close();
  });

  it('close() spools what the dead sink did not take; a new Delivery on the same spool replays it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-dl-'));
    const first = controllableSink();
    first.state.up = false;
    const d1 = new Delivery(first.sink, await FsSpool.open(dir, 1 << 20), OPTS, recorder().observer);
    for (let i = 1; i <= 3; i++) d1.submit(b(i));
    await d1.close();
    const second = controllableSink();
    const spool2 = await FsSpool.open(dir, 1 << 20);
    expect(spool2.count).toBe(3);
    const d2 = new Delivery(second.sink, spool2, OPTS, recorder().observer);
    d2.start();
    await until(() => spool2.count === 0);
    expect(second.stored).toEqual(['run-1', 'run-2', 'run-3']);
    await d2.close();
  });

  it('when neither sink nor spool takes batches it holds them, asks for pressure, and loses nothing once back', async () => {
    const { sink, stored, state } = controllableSink();
    const spool = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-dl-')), 12); // room for one batch
    const { events, observer } = recorder();
    const d = new Delivery(sink, spool, OPTS, observer);
    state.up = false;
    for (let i = 1; i <= 10; i++) d.submit(b(i));
    await until(() => events.includes('pressure:true') && spool.count === 1);
    expect(d.queued).toBe(9);
    state.up = true;
    await until(() => stored.length === 10);
    expect(stored).toEqual(Array.from({ length: 10 }, (_, i) => `run-${i + 1}`));
    await until(() => events.includes('pressure:false'));
    await d.close();
  });

  it('spills to the spool when the sink is up but slower than the input, keeping order', async () => {
    const { sink, stored } = controllableSink();
    const slow: RowSink = {
      name: 'slow',
      write: async (batch) => {
        await new Promise((r) => setTimeout(r, 15));
        await sink.write(batch);
      },
      close: async () => {},
    };
    const spool = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-dl-')), 1 << 20);
    const { events, observer } = recorder();
    const d = new Delivery(slow, spool, { ...OPTS, maxQueuedBatches: 2 }, observer);
    for (let i = 1; i <= 12; i++) {
      d.submit(b(i)); // one batch every 5 ms against a sink that takes 15 ms per batch
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => stored.length === 12 && spool.count === 0);
    expect(stored).toEqual(Array.from({ length: 12 }, (_, i) => `run-${i + 1}`));
    // Spooled although no write failed: that is the spill.
    expect(events.some((e) => e.startsWith('spooled:'))).toBe(true);
    expect(events.filter((e) => e.startsWith('failed:'))).toEqual([]);
    await d.close();
  });
});

describe('Delivery.close with a sink that hangs', () => {
  it('stops waiting after its deadline and spools the batch in flight and the rest', async () => {
    const hung: RowSink = { name: 'hung', write: () => new Promise<void>(() => {}), close: async () => {} };
    const dir = mkdtempSync(join(tmpdir(), 'ja4-dl-'));
    const spool = await FsSpool.open(dir, 1 << 20);
    const { events, observer } = recorder();
    const d = new Delivery(hung, spool, OPTS, observer);
    for (let i = 1; i <= 3; i++) d.submit(b(i));
    await d.close(50);
    expect(spool.count).toBe(3);
    expect(events.filter((e) => e.startsWith('lost:'))).toEqual([]);
    const again = await FsSpool.open(dir, 1 << 20);
    expect((await again.peek())?.id).toBe('run-1');
  });
});
