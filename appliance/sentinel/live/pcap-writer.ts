import fs from 'node:fs';

/**
 * Appends captured frames to a classic pcap file (µs timestamps, little-endian), for `--write`.
 * Records are batched into one write per flush; a failing disk stops the writer, not the capture.
 */
export class PcapWriter {
  private fd: number;
  private chunks: Buffer[] = [];
  private pending = 0;
  written = 0;
  failed: string | null = null;

  constructor(file: string, linkType: number, snaplen = 262_144) {
    this.fd = fs.openSync(file, 'w');
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(snaplen, 16);
    h.writeUInt32LE(linkType, 20);
    fs.writeSync(this.fd, h);
  }

  write(frame: Buffer, tsUs: number): void {
    if (this.failed !== null) return;
    const h = Buffer.allocUnsafe(16 + frame.length);
    h.writeUInt32LE(Math.floor(tsUs / 1e6), 0);
    h.writeUInt32LE(Math.floor(tsUs % 1e6), 4);
    h.writeUInt32LE(frame.length, 8);
    h.writeUInt32LE(frame.length, 12);
    frame.copy(h, 16);
    this.chunks.push(h);
    this.pending += h.length;
    this.written++;
    if (this.pending >= 256 * 1024) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0 || this.failed !== null) return;
    try {
      fs.writeSync(this.fd, Buffer.concat(this.chunks));
    } catch (err) {
      this.failed = (err as Error).message;
    }
    this.chunks = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
