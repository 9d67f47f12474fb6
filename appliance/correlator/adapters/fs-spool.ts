import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchIdError, SpoolFullError, SpoolIoError } from '../errors.js';
import type { Batch } from '../ports/batch.js';
import type { Spool } from '../ports/spool.js';

const SUFFIX = '.batch';
const TMP_SUFFIX = '.tmp';
const BATCH_ID = /^[A-Za-z0-9_-]+$/;
/** File name: zero-padded sequence (sorts as a string), then the batch id. */
const FILE_NAME = /^(\d{16})_([A-Za-z0-9_-]+)\.batch$/;

interface Entry {
  file: string;
  id: string;
  bytes: number;
}

/**
 * The on-disk spool: one file per batch, `<seq>_<id>.batch`, holding the batch's JSON lines.
 * Each file is written to a temporary name, fsynced, then renamed (rename is atomic on POSIX), so a
 * crash leaves either the whole batch or a `.tmp` that the next open deletes. Order is the
 * sequence in the name; the id (the deduplication token) survives a restart with the batch.
 */
export class FsSpool implements Spool {
  private entries: Entry[] = [];
  private total = 0;
  private nextSeq = 1;

  private constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Opens (creating) the directory and indexes what an earlier run left. */
  static async open(dir: string, maxBytes: number): Promise<FsSpool> {
    const spool = new FsSpool(dir, maxBytes);
    try {
      await mkdir(dir, { recursive: true, mode: 0o750 });
      const names = (await readdir(dir)).sort();
      for (const name of names) {
        if (name.endsWith(TMP_SUFFIX)) {
          await rm(join(dir, name), { force: true });
          continue;
        }
        const m = FILE_NAME.exec(name);
        if (!m) continue;
        const { size } = await stat(join(dir, name));
        spool.entries.push({ file: name, id: m[2], bytes: size });
        spool.total += size;
        spool.nextSeq = Number(m[1]) + 1;
      }
    } catch (err) {
      throw new SpoolIoError(dir, err);
    }
    return spool;
  }

  get count(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.total;
  }

  async push(batch: Batch): Promise<void> {
    if (!BATCH_ID.test(batch.id)) throw new BatchIdError(batch.id);
    const size = Buffer.byteLength(batch.body);
    if (this.total + size > this.maxBytes) throw new SpoolFullError(this.dir, this.total, this.maxBytes);
    const file = `${String(this.nextSeq++).padStart(16, '0')}_${batch.id}${SUFFIX}`;
    const tmp = join(this.dir, file + TMP_SUFFIX);
    try {
      const fh = await open(tmp, 'w', 0o640);
      try {
        await fh.writeFile(batch.body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(this.dir, file));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new SpoolIoError(this.dir, err);
    }
    this.entries.push({ file, id: batch.id, bytes: size });
    this.total += size;
  }

  async peek(): Promise<Batch | undefined> {
    const head = this.entries[0];
    if (!head) return undefined;
    let body: string;
    try {
      body = await readFile(join(this.dir, head.file), 'utf8');
    } catch (err) {
      throw new SpoolIoError(this.dir, err);
    }
    let rows = 0;
    for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) rows++;
    return { id: head.id, rows, body };
  }

  async shift(id: string): Promise<void> {
    const head = this.entries[0];
    if (!head || head.id !== id) return;
    try {
      await rm(join(this.dir, head.file), { force: true });
    } catch (err) {
      throw new SpoolIoError(this.dir, err);
    }
    this.entries.shift();
    this.total -= head.bytes;
  }
}
