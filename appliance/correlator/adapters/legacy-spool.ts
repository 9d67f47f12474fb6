import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Batch } from '../ports/batch.js';

/** The spool format before the log: one `<16-digit seq>_<batch id>.batch` file per batch. */
const FILE = /^\d{16}_([A-Za-z0-9_-]+)\.batch$/;

/**
 * Batches an older version left in the spool directory, oldest first, each with a function that
 * removes its file (call it once the batch is in the log). Half-written `.batch.tmp` files were
 * never batches: they are removed.
 */
export function readLegacySpool(dir: string): { batch: Batch; remove(): void }[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: { batch: Batch; remove(): void }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.batch.tmp')) {
      rmSync(path, { force: true });
      continue;
    }
    const m = FILE.exec(name);
    if (!m) continue;
    const body = readFileSync(path, 'utf8');
    let rows = 0;
    for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) rows++;
    out.push({ batch: { id: m[1], rows, body }, remove: () => rmSync(path, { force: true }) });
  }
  return out;
}
