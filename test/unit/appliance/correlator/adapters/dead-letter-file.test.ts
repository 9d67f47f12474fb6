import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeadLetterFile } from '../../../../../appliance/correlator/adapters/dead-letter-file.js';

describe('DeadLetterFile', () => {
  it('appends JSON lines with the reason and the row, counts across a reopen, and stays bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-dlf-'));
    const path = join(dir, 'dl', 'dead-letter.jsonl');
    const opts = { path, maxBytes: 400, keep: 1 };
    const dl = DeadLetterFile.open(opts);
    await dl.write([{ batch: 'run-1-p0', reason: '469 VIOLATED_CONSTRAINT: x', line: '{"path":"/a"}' }]);
    const first = JSON.parse(readFileSync(path, 'utf8'));
    expect(first).toMatchObject({
      batch: 'run-1-p0',
      reason: '469 VIOLATED_CONSTRAINT: x',
      line: '{"path":"/a"}',
    });
    expect(dl.status()).toMatchObject({ rows: 1, lastReason: '469 VIOLATED_CONSTRAINT: x' });
    await dl.close();
    const again = DeadLetterFile.open(opts);
    expect(again.status()).toMatchObject({ rows: 1, lastReason: '469 VIOLATED_CONSTRAINT: x' });
    for (let i = 0; i < 20; i++) await again.write([{ batch: `b${i}`, reason: 'r', line: 'x'.repeat(50) }]);
    await again.close();
    expect(readdirSync(join(dir, 'dl')).sort()).toEqual(['dead-letter.jsonl', 'dead-letter.jsonl.1']);
    const st = again.status();
    expect(st.bytes).toBeLessThanOrEqual(800);
    expect(st.rows).toBe(DeadLetterFile.open(opts).status().rows);
  });
});
