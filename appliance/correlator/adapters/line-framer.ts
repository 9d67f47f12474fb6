const NL = 0x0a; // '\n': the wire format is newline-delimited JSON (DESIGN.md)
const CR = 0x0d;

/**
 * Splits a byte stream into lines on Buffers with offsets (no per-chunk string building). A line
 * longer than `maxBytes` is reported once through `onTooLong` and skipped up to its newline, so
 * the next line on the same connection is read normally. Never throws.
 */
export class LineFramer {
  private carry: Buffer[] = [];
  private carryLen = 0;
  private discarding = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: (bytesSeen: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.carryLen > 0) {
        const len = this.carryLen + (nl - start);
        if (len > this.maxBytes) this.onTooLong(len);
        else this.deliver(Buffer.concat([...this.carry, chunk.subarray(start, nl)], len), 0, len);
      } else if (nl - start > this.maxBytes) {
        this.onTooLong(nl - start);
      } else {
        this.deliver(chunk, start, nl);
      }
      this.carry = [];
      this.carryLen = 0;
      start = nl + 1;
    }
    if (start >= chunk.length || this.discarding) return;
    const rest = chunk.length - start;
    if (this.carryLen + rest > this.maxBytes) {
      this.onTooLong(this.carryLen + rest);
      this.carry = [];
      this.carryLen = 0;
      this.discarding = true;
      return;
    }
    // Copy: the socket may reuse the chunk's memory after this returns.
    this.carry.push(Buffer.from(chunk.subarray(start)));
    this.carryLen += rest;
  }

  /** Bytes held of an unfinished line (a producer that closed mid-line loses only that line). */
  get pendingBytes(): number {
    return this.carryLen;
  }

  private deliver(buf: Buffer, start: number, end: number): void {
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    if (e === start) return; // blank line: keep-alive noise, not an error
    this.onLine(buf.toString('utf8', start, e));
  }
}
