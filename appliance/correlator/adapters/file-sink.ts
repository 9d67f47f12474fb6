import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Batch } from '../ports/batch.js';
import type { RowSink } from '../ports/sink.js';
import { rotateFiles } from './rotate-files.js';

export interface FileSinkOptions {
  path: string;
  /** Rotate before the file would pass this size. */
  maxBytes: number;
  /** Rotated files kept: path.1 (newest) … path.<keep>. */
  keep: number;
}

/**
 * JSON lines appended to a file, rotated by size in the logrotate style (path → path.1 → path.2 …).
 * A batch is never split across two files.
 */
export class FileSink implements RowSink {
  readonly name = 'file';
  private fh: FileHandle | undefined;
  private size = 0;

  constructor(private readonly opts: FileSinkOptions) {}

  async write(batch: Batch): Promise<void> {
    const bytes = Buffer.byteLength(batch.body);
    if (this.fh === undefined) await this.openFile();
    if (this.size > 0 && this.size + bytes > this.opts.maxBytes) await this.rotate();
    await this.fh!.write(batch.body);
    this.size += bytes;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private async openFile(): Promise<void> {
    await mkdir(dirname(this.opts.path), { recursive: true });
    this.fh = await open(this.opts.path, 'a', 0o640);
    this.size = (await stat(this.opts.path)).size;
  }

  private async rotate(): Promise<void> {
    await this.close();
    await rotateFiles(this.opts.path, this.opts.keep);
    await this.openFile();
  }
}
