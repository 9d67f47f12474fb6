import { close, closeSync, fsync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LogIoError, LogRecordError } from '../errors.js';
import {
  type DecodedRecord,
  decodeRecord,
  encodeRecord,
  HEADER_BYTES,
  type RecordKind,
} from './log-record.js';

const SEGMENT = /^(\d{16})\.log$/;
const name = (seq: number) => `${String(seq).padStart(16, '0')}.log`;

/** Where a record's payload is: segment, byte offset and length. */
export interface RecordRef {
  segment: number;
  offset: number;
  length: number;
}

export interface SegmentLogOptions {
  /** A segment is sealed and a new one started once it holds this many bytes. */
  segmentBytes: number;
}

/**
 * The correlator's append-only log on disk: numbered segment files (`<seq>.log`) of records
 * (log-record.ts). Appends go to an in-memory buffer; `flush()` hands it to the kernel with one
 * write(2) — from then on a crash of the process loses nothing of it, the page cache survives —
 * and `sync()` makes it durable against a crash of the machine (fsync). Segments are only ever
 * appended to by the run that created them and deleted whole (never truncated), as Vector's disk
 * buffer does with its data files; which ones may go is decided by the caller (log-ledger.ts).
 * Synchronous writes on purpose: a read from a socket is logged before the event loop moves on,
 * which is the smallest window between reading a line and having it in the log.
 */
export class SegmentLog {
  private readonly sizes = new Map<number, number>();
  private total = 0;
  private fd = -1;
  private current = 0;
  private written = 0;
  private buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private readonly syncing = new Set<Promise<void>>();
  private failed = 0;

  private constructor(
    readonly dir: string,
    private readonly opts: SegmentLogOptions,
  ) {}

  /** Indexes the segments an earlier run left (read them with `readSegment`); new appends go to a new one. */
  static open(dir: string, opts: SegmentLogOptions): SegmentLog {
    const log = new SegmentLog(dir, opts);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      for (const file of readdirSync(dir).sort()) {
        const m = SEGMENT.exec(file);
        if (!m) continue;
        const size = statSync(join(dir, file)).size;
        log.sizes.set(Number(m[1]), size);
        log.total += size;
        log.current = Number(m[1]);
      }
    } catch (err) {
      throw new LogIoError(dir, err);
    }
    return log;
  }

  /** Segments on disk, oldest first (the one being written included). */
  get segments(): number[] {
    return [...this.sizes.keys()];
  }

  /** The segment appends go to now (created on the first append). */
  get active(): number {
    if (this.fd < 0) this.startSegment();
    return this.current;
  }

  /** The segment being written, if one is open (unlike `active`, never creates one). */
  get writing(): number | undefined {
    return this.fd >= 0 ? this.current : undefined;
  }

  /** Bytes on disk plus bytes appended and not yet flushed. */
  get bytes(): number {
    return this.total + this.used;
  }

  /** Writes that failed since start (disk full, I/O error): the records of those writes are not in the log. */
  get writeErrors(): number {
    return this.failed;
  }

  /** Appends one record to the buffer; returns where its payload will be. */
  append(kind: RecordKind, payload: string): RecordRef {
    const segment = this.active;
    const need = HEADER_BYTES + payload.length * 3;
    if (this.used + need > this.buf.length) this.grow(need);
    const n = encodeRecord(this.buf, this.used, kind, payload);
    const ref = { segment, offset: this.written + this.used + HEADER_BYTES, length: n - HEADER_BYTES };
    this.used += n;
    return ref;
  }

  /**
   * Hands the buffered records to the kernel. On a failed write the segment is sealed where it
   * ends (a reader stops at the torn record) and the next appends go to a new one; the error is
   * thrown so the caller can count it.
   */
  flush(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    try {
      let off = 0;
      while (off < n) off += writeSync(this.fd, this.buf, off, n - off);
    } catch (err) {
      this.failed++;
      this.seal();
      throw new LogIoError(this.dir, err);
    }
    this.written += n;
    this.total += n;
    this.sizes.set(this.current, this.written);
    if (this.written >= this.opts.segmentBytes) this.seal();
  }

  /** fsync of what was flushed: the segment being written and any sealed one still syncing. */
  async sync(): Promise<void> {
    const pending = [...this.syncing];
    if (this.fd >= 0) pending.push(fsyncFd(this.fd));
    try {
      await Promise.all(pending);
    } catch (err) {
      throw new LogIoError(this.dir, err);
    }
  }

  /**
   * Calls `onRecord` for each intact record of a segment, stepping over damaged ones (counted);
   * returns where readable records end (less than `size` after a torn tail).
   */
  async readSegment(
    seq: number,
    onRecord: (rec: DecodedRecord, buf: Buffer) => void | Promise<void>,
  ): Promise<{ end: number; size: number; damaged: number }> {
    let buf: Buffer;
    try {
      buf = await readFile(join(this.dir, name(seq)));
    } catch (err) {
      throw new LogIoError(this.dir, err);
    }
    let at = 0;
    let damaged = 0;
    for (let rec = decodeRecord(buf, at); rec; rec = decodeRecord(buf, at)) {
      if (rec.intact) await onRecord(rec, buf);
      else damaged++;
      at = rec.offset + rec.length;
    }
    return { end: at, size: buf.length, damaged };
  }

  /** The payload at `ref` (flushing first if it is still buffered), its checksum verified. */
  async read(ref: RecordRef): Promise<string> {
    if (ref.segment === this.current && ref.offset >= this.written) this.flush();
    const size = ref.length + HEADER_BYTES;
    const out = Buffer.allocUnsafe(size);
    try {
      const fh = await open(join(this.dir, name(ref.segment)), 'r');
      try {
        await fh.read(out, 0, size, ref.offset - HEADER_BYTES);
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw new LogIoError(this.dir, err);
    }
    const rec = decodeRecord(out, 0);
    if (!rec?.intact || rec.length !== ref.length)
      throw new LogRecordError(this.dir, ref.segment, ref.offset);
    return out.toString('utf8', HEADER_BYTES, size);
  }

  /** Removes a sealed segment. */
  async remove(seq: number): Promise<void> {
    if (seq === this.current && this.fd >= 0) return;
    const size = this.sizes.get(seq);
    if (size === undefined) return;
    try {
      await unlink(join(this.dir, name(seq)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new LogIoError(this.dir, err);
    }
    this.sizes.delete(seq);
    this.total -= size;
  }

  /** Flushes, syncs and closes the segment being written. */
  async close(): Promise<void> {
    try {
      this.flush();
    } finally {
      if (this.fd >= 0) {
        const fd = this.fd;
        this.fd = -1;
        await fsyncFd(fd).finally(() => closeSync(fd));
      }
      await Promise.allSettled([...this.syncing]);
    }
  }

  private startSegment(): void {
    this.current++;
    try {
      this.fd = openSync(join(this.dir, name(this.current)), 'wx', 0o640);
    } catch (err) {
      throw new LogIoError(this.dir, err);
    }
    this.written = 0;
    this.sizes.set(this.current, 0);
    // The new file's name must survive a power cut too (fsync of the directory, POSIX).
    this.track(syncDir(this.dir));
  }

  /** Flushes and ends the segment being written, so it can be removed; the next append starts a new one. */
  rotate(): void {
    this.flush();
    this.seal();
  }

  /** Ends the segment being written: it is fsynced and closed in the background. */
  private seal(): void {
    const fd = this.fd;
    this.fd = -1;
    if (fd >= 0) this.track(fsyncFd(fd).finally(() => close(fd, () => undefined)));
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch(() => undefined).finally(() => this.syncing.delete(tracked));
    this.syncing.add(tracked);
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + need));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

function syncDir(dir: string): Promise<void> {
  return open(dir, 'r').then(async (fh) => {
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}
