import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSink } from '../../../../../appliance/correlator/adapters/file-sink.js';

const batch = (n: number) => ({ id: `r-${n}`, rows: 1, body: `{"n":${n},"pad":"${'x'.repeat(20)}"}\n` });

describe('FileSink', () => {
  it('appends JSON lines and rotates by size, keeping file_keep old files, never splitting a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-fsink-'));
    const path = join(dir, 'rows.jsonl');
    const size = Buffer.byteLength(batch(1).body);
    const sink = new FileSink({ path, maxBytes: size * 2, keep: 2 });
    for (let n = 1; n <= 7; n++) await sink.write(batch(n));
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual(['rows.jsonl', 'rows.jsonl.1', 'rows.jsonl.2']);
    const ns = (file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).n);
    expect(ns('rows.jsonl')).toEqual([7]);
    expect(ns('rows.jsonl.1')).toEqual([5, 6]);
    expect(ns('rows.jsonl.2')).toEqual([3, 4]);
  });

  it('continues an existing file after a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ja4-fsink-')), 'sub', 'rows.jsonl');
    const a = new FileSink({ path, maxBytes: 1 << 20, keep: 1 });
    await a.write(batch(1));
    await a.close();
    const b = new FileSink({ path, maxBytes: 1 << 20, keep: 1 });
    await b.write(batch(2));
    await b.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
