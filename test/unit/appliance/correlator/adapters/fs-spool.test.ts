import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsSpool } from '../../../../../appliance/correlator/adapters/fs-spool.js';

const batch = (id: string, rows = 2) => ({ id, rows, body: `${'{"a":1}\n'.repeat(rows)}` });

describe('FsSpool', () => {
  it('is a FIFO that survives reopening, ids and rows intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-spool-'));
    const a = await FsSpool.open(dir, 1 << 20);
    await a.push(batch('run-1', 2));
    await a.push(batch('run-2', 3));
    expect(a.count).toBe(2);
    expect(a.bytes).toBe(40);
    const b = await FsSpool.open(dir, 1 << 20);
    expect(b.count).toBe(2);
    expect(await b.peek()).toEqual(batch('run-1', 2));
    await b.shift('run-1');
    await b.push(batch('run-3', 1));
    expect((await b.peek())?.id).toBe('run-2');
    await b.shift('run-2');
    expect((await b.peek())?.id).toBe('run-3');
    await b.shift('run-3');
    expect(await b.peek()).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('deletes half-written temporaries left by a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-spool-'));
    writeFileSync(join(dir, '0000000000000001_x.batch.tmp'), 'partial');
    const s = await FsSpool.open(dir, 1 << 20);
    expect(s.count).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses past its byte bound with JA4_ERR_CORRELATOR_SPOOL_FULL', async () => {
    const s = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-spool-')), 30);
    await s.push(batch('a', 2));
    await expect(s.push(batch('b', 2))).rejects.toMatchObject({ code: 'JA4_ERR_CORRELATOR_SPOOL_FULL' });
    expect(s.count).toBe(1);
  });

  it('refuses an id that is not a safe token', async () => {
    const s = await FsSpool.open(mkdtempSync(join(tmpdir(), 'ja4-spool-')), 1 << 20);
    await expect(s.push(batch("x'; DROP", 1))).rejects.toMatchObject({ code: 'JA4_ERR_CORRELATOR_BATCH_ID' });
  });
});
