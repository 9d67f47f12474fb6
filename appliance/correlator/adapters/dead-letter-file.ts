import { existsSync, readFileSync } from 'node:fs';
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LogIoError } from '../errors.js';
import type { DeadLetter, DeadLetterEntry, DeadLetterStatus } from '../ports/dead-letter.js';
import { rotateFiles } from './rotate-files.js';

export interface DeadLetterFileOptions {
  path: string;
  /** Rotate before the file would pass this size. */
  maxBytes: number;
  /** Rotated files kept: path.1 (newest) … path.<keep>. */
  keep: number;
}

/**
 * Rows ClickHouse refused for a reason of their own, as JSON lines
 * `{"at":…,"batch":…,"reason":…,"line":"<the row as sent>"}`, appended and fsynced before the
 * batch they came from is confirmed, rotated by size like the file sink. Bounded: at most
 * (keep + 1) × maxBytes on disk; the oldest rotated file falls off.
 */
export class DeadLetterFile implements DeadLetter {
  private fh: FileHandle | undefined;
  private size = 0;
  private rows = 0;
  private bytes = 0;
  private lastReason = '';

  private constructor(private readonly opts: DeadLetterFileOptions) {}

  /** Counts what earlier runs left (the current file and the rotated ones kept). */
  static open(opts: DeadLetterFileOptions): DeadLetterFile {
    const dl = new DeadLetterFile(opts);
    for (let i = 0; i <= opts.keep; i++) {
      const file = i === 0 ? opts.path : `${opts.path}.${i}`;
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      dl.bytes += Buffer.byteLength(text);
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) dl.rows++;
      if (i === 0) dl.lastReason = lastReasonIn(text);
    }
    return dl;
  }

  async write(entries: DeadLetterEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date().toISOString();
    const text = entries
      .map((e) => `${JSON.stringify({ at, batch: e.batch, reason: e.reason, line: e.line })}\n`)
      .join('');
    const n = Buffer.byteLength(text);
    try {
      if (this.fh === undefined) await this.openFile();
      if (this.size > 0 && this.size + n > this.opts.maxBytes) await this.rotate();
      await this.fh!.write(text);
      await this.fh!.sync();
    } catch (err) {
      throw new LogIoError(this.opts.path, err);
    }
    this.size += n;
    this.bytes += n;
    this.rows += entries.length;
    this.lastReason = entries[entries.length - 1].reason;
  }

  status(): DeadLetterStatus {
    return { rows: this.rows, bytes: this.bytes, lastReason: this.lastReason };
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private async openFile(): Promise<void> {
    await mkdir(dirname(this.opts.path), { recursive: true, mode: 0o750 });
    this.fh = await open(this.opts.path, 'a', 0o640);
    this.size = (await stat(this.opts.path)).size;
  }

  private async rotate(): Promise<void> {
    await this.close();
    await rotateFiles(this.opts.path, this.opts.keep);
    // What fell off the end no longer counts.
    const recount = DeadLetterFile.open(this.opts);
    this.rows = recount.rows;
    this.bytes = recount.bytes;
    await this.openFile();
  }
}

function lastReasonIn(text: string): string {
  const end = text.lastIndexOf('\n', text.length - 2);
  try {
    return String((JSON.parse(text.slice(end + 1)) as { reason?: unknown }).reason ?? '');
  } catch {
    return '';
  }
}
