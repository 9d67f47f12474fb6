import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmentLog } from '../../../../appliance/correlator/adapters/segment-log.js';
import {
  type BatchWriter,
  Delivery,
  type DeliveryObserver,
} from '../../../../appliance/correlator/delivery.js';
import { DurableLog } from '../../../../appliance/correlator/durable-log.js';
import { LogLedger } from '../../../../appliance/correlator/log-ledger.js';
import type { Batch } from '../../../../appliance/correlator/ports/batch.js';
import { recover } from '../../../../appliance/correlator/recovery.js';

/** A writer whose availability the test switches; it records what it stored, keyed like ClickHouse dedup. */
function controllableWriter() {
  const stored: string[] = [];
  const seenTokens = new Set<string>();
  const state = { up: true, landButFail: false, attempts: 0, delayMs: 0, hang: false };
  const writer: BatchWriter = {
    async write(batch: Batch) {
      state.attempts++;
      if (state.hang) await new Promise(() => {});
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (!state.up) throw new Error('connect ECONNREFUSED');
      if (!seenTokens.has(batch.id)) {
        seenTokens.add(batch.id);
        stored.push(batch.id);
      }
      // The insert landed but the answer was lost (timeout): the caller must treat it as failed.
      if (state.landButFail) throw new Error('socket hang up');
      return { written: batch.rows, deadLettered: 0 };
    },
  };
  return { writer, stored, state };
}

function recorder() {
  const events: string[] = [];
  const observer: DeliveryObserver = {
    written: (b, _ms, replayed) => events.push(`${replayed ? 'replayed' : 'written'}:${b.id}`),
    failed: (b) => events.push(`failed:${b.id}`),
    spooled: (b) => events.push(`spooled:${b.id}`),
    logRefused: (b) => events.push(`refused:${b.id}`),
    pressure: (on) => events.push(`pressure:${on}`),
    lost: (b) => events.push(`lost:${b.id}`),
  };
  return { events, observer };
}

/** The real log on a fresh directory; `logInput` as correlator.wal. */
function log(dir = mkdtempSync(join(tmpdir(), 'ja4-dl-')), logInput = false, maxBytes = 1 << 20) {
  const segments = SegmentLog.open(dir, { segmentBytes: 4096 });
  const ledger = new LogLedger(logInput);
  const durable = new DurableLog(segments, ledger, {
    logInput,
    fsync: 'batch',
    fsyncIntervalMs: 1000,
    maxBytes,
    onError: (err) => {
      throw err;
    },
  });
  return { dir, segments, ledger, durable };
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
const ids = (n: number) => Array.from({ length: n }, (_, i) => `run-${i + 1}`);

describe('Delivery', () => {
  it('writes in order while the sink is up', async () => {
    const { writer, stored } = controllableWriter();
    const d = new Delivery(writer, log().durable, OPTS, recorder().observer);
    for (let i = 1; i <= 5; i++) d.submit(b(i));
    await until(() => stored.length === 5);
    expect(stored).toEqual(ids(5));
    await d.close();
  });

  it('holds the head through an outage, logs the batches behind it, and writes all in order, once', async () => {
    const { writer, stored, state } = controllableWriter();
    const l = log();
    const { events, observer } = recorder();
    const d = new Delivery(writer, l.durable, OPTS, observer);
    d.submit(b(1));
    await until(() => stored.length === 1);
    state.up = false;
    for (let i = 2; i <= 6; i++) d.submit(b(i));
    await until(() => l.ledger.unconfirmedBatches === 5); // the head, retried, and all behind it
    expect(stored).toEqual(['run-1']);
    await new Promise((r) => setTimeout(r, 60)); // a few retries against the dead sink
    state.up = true;
    await until(() => stored.length === 6 && l.ledger.unconfirmedBatches === 0);
    d.submit(b(7));
    await until(() => stored.length === 7);
    expect(stored).toEqual(ids(7));
    expect(events.filter((e) => e.startsWith('spooled:'))).toEqual(
      ids(6)
        .slice(1)
        .map((id) => `spooled:${id}`),
    );
    expect(events.filter((e) => e.startsWith('lost:'))).toEqual([]);
    await d.close();
  });

  it('a batch whose failed write did land is retried with the same id, so it is stored once', async () => {
    const { writer, stored, state } = controllableWriter();
    const d = new Delivery(writer, log().durable, OPTS, recorder().observer);
    state.landButFail = true;
    d.submit(b(1));
    await until(() => state.attempts >= 2);
    state.landButFail = false;
    await until(() => d.queued === 0);
    expect(stored).toEqual(['run-1']);
    await d.close();
  });

  it('close() logs what the dead sink did not take; the next run resends it from the log, in order', async () => {
    const first = controllableWriter();
    first.state.up = false;
    const l1 = log();
    const d1 = new Delivery(first.writer, l1.durable, OPTS, recorder().observer);
    for (let i = 1; i <= 3; i++) d1.submit(b(i));
    await d1.close();
    await l1.durable.close();

    const second = controllableWriter();
    const l2 = log(l1.dir);
    const { events, observer } = recorder();
    const d2 = new Delivery(second.writer, l2.durable, OPTS, observer);
    const report = await recover(l2.segments, l2.ledger, {
      batch: (id, rows, ref) => d2.submitRecovered(id, rows, ref),
      line: () => undefined,
    });
    expect(report.batches).toBe(3);
    await until(() => second.stored.length === 3);
    expect(second.stored).toEqual(ids(3));
    expect(events).toEqual(['replayed:run-1', 'replayed:run-2', 'replayed:run-3']);
    await d2.close();
  });

  it('at the log size bound it asks for pressure, and releases it once confirmed segments are removed', async () => {
    const { writer, stored, state } = controllableWriter();
    const l = log(undefined, false, 200); // room for about three batch records
    const { events, observer } = recorder();
    const d = new Delivery(writer, l.durable, OPTS, observer);
    state.up = false;
    for (let i = 1; i <= 10; i++) d.submit(b(i));
    await until(() => events.includes('pressure:true'));
    state.up = true;
    await until(() => stored.length === 10);
    expect(stored).toEqual(ids(10));
    await until(() => {
      l.durable.tick(); // what the service's tick does: remove what is confirmed
      d.updatePressure();
      return events.includes('pressure:false');
    });
    await d.close();
  });

  it('lets bodies go past maxQueuedBatches when the sink is slower than the input, keeping order', async () => {
    const { writer, stored, state } = controllableWriter();
    state.delayMs = 15;
    const { events, observer } = recorder();
    const d = new Delivery(writer, log().durable, { ...OPTS, maxQueuedBatches: 2 }, observer);
    for (let i = 1; i <= 12; i++) {
      d.submit(b(i)); // one batch every 5 ms against a sink that takes 15 ms per batch
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => stored.length === 12);
    expect(stored).toEqual(ids(12));
    expect(events.some((e) => e.startsWith('spooled:'))).toBe(true); // logged although nothing failed
    expect(events.filter((e) => e.startsWith('failed:'))).toEqual([]);
    await d.close();
  });

  it('with input logged, a batch recorded at its cut is confirmed in the ledger once written', async () => {
    const { writer, stored } = controllableWriter();
    const l = log(undefined, true);
    const d = new Delivery(writer, l.durable, OPTS, recorder().observer);
    for (let i = 1; i <= 3; i++) d.submit(b(i), l.durable.cut(b(i)));
    expect(l.ledger.unconfirmedBatches).toBeGreaterThan(0);
    await until(() => stored.length === 3 && l.ledger.unconfirmedBatches === 0);
    await d.close();
  });
});

describe('Delivery with a damaged record in the log', () => {
  it('reports the batch lost and goes on with the next, instead of retrying it forever', async () => {
    const first = controllableWriter();
    first.state.up = false;
    const l1 = log();
    const d1 = new Delivery(first.writer, l1.durable, OPTS, recorder().observer);
    for (let i = 1; i <= 2; i++) d1.submit(b(i));
    await d1.close();
    await l1.durable.close();
    // Flip one byte of the first batch's body on disk.
    const file = join(l1.dir, readdirSync(l1.dir).find((f) => f.endsWith('.log'))!);
    const bytes = readFileSync(file);
    bytes[bytes.indexOf('{"n":1}') + 5] ^= 1;
    writeFileSync(file, bytes);

    const second = controllableWriter();
    const l2 = log(l1.dir);
    const { events, observer } = recorder();
    const d2 = new Delivery(second.writer, l2.durable, OPTS, observer);
    // The damaged record is skipped when the log is read at start; refer to it as a run would.
    const payload = 'run-1\n1\n{"n":1}\n';
    d2.submitRecovered('run-1', 1, { segment: 1, offset: bytes.indexOf('run-1\n'), length: payload.length });
    const report = await recover(l2.segments, l2.ledger, {
      batch: (id, rows, ref) => d2.submitRecovered(id, rows, ref),
      line: () => undefined,
    });
    expect(report).toMatchObject({ batches: 1, damaged: 1 }); // run-1 stepped over, run-2 found after it
    await until(() => second.stored.length === 1);
    expect(second.stored).toEqual(['run-2']);
    expect(events).toEqual(['lost:run-1', 'replayed:run-2']);
    await d2.close();
  });
});

describe('Delivery.close with a sink that hangs', () => {
  it('stops waiting after its deadline and logs the batch in flight and the rest', async () => {
    const { writer, state } = controllableWriter();
    state.hang = true;
    const l = log();
    const { events, observer } = recorder();
    const d = new Delivery(writer, l.durable, OPTS, observer);
    for (let i = 1; i <= 3; i++) d.submit(b(i));
    await d.close(50);
    expect(l.ledger.unconfirmedBatches).toBe(3);
    expect(events.filter((e) => e.startsWith('lost:'))).toEqual([]);
    await l.durable.close();
    const again = log(l.dir);
    const found: string[] = [];
    await recover(again.segments, again.ledger, { batch: (id) => found.push(id), line: () => undefined });
    expect(found).toEqual(ids(3));
  });
});
