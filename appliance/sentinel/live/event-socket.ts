import net from 'node:net';

export interface EventSocketStats {
  sent: number;
  /** Dropped because the correlator socket was not connected. */
  droppedDown: number;
  /** Dropped because the socket was connected but the queue was full (slow reader). */
  droppedFull: number;
  connects: number;
}

export interface EventSocketOptions {
  /** Lines held while the socket is backed up; past this, lines are dropped. */
  maxQueue: number;
  /** Reconnect backoff bounds. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Bytes the kernel+stream may hold before we stop writing and queue instead. */
  highWaterBytes?: number;
}

/**
 * Newline-delimited JSON to a UNIX stream socket, never blocking the caller (DESIGN.md:
 * producers drop and count when the socket is down or slow). Reconnects with exponential backoff.
 * Memory is bounded by `maxQueue` lines plus `highWaterBytes` in the socket's buffer.
 */
export class EventSocketWriter {
  readonly stats: EventSocketStats = { sent: 0, droppedDown: 0, droppedFull: 0, connects: 0 };
  private sock: net.Socket | null = null;
  private connected = false;
  private readonly queue: string[] = [];
  private backoff: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly highWater: number;

  constructor(
    readonly path: string,
    private readonly opts: EventSocketOptions,
  ) {
    this.backoff = opts.minBackoffMs ?? 100;
    this.highWater = opts.highWaterBytes ?? 64 * 1024;
    this.connect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues one event line (without its newline); false when it was dropped. */
  send(line: string): boolean {
    if (!this.connected || this.sock === null) {
      this.stats.droppedDown++;
      return false;
    }
    if (this.queue.length > 0 || this.sock.writableLength > this.highWater) {
      if (this.queue.length >= this.opts.maxQueue) {
        this.stats.droppedFull++;
        return false;
      }
      this.queue.push(line);
      return true;
    }
    this.sock.write(`${line}\n`);
    this.stats.sent++;
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.sock?.destroy();
    this.sock = null;
    this.connected = false;
  }

  private connect(): void {
    if (this.closed) return;
    const sock = net.createConnection(this.path);
    this.sock = sock;
    sock.on('connect', () => {
      this.connected = true;
      this.stats.connects++;
      this.backoff = this.opts.minBackoffMs ?? 100;
    });
    sock.on('drain', () => this.flush());
    sock.on('data', () => {}); // the correlator says nothing; keep the stream flowing
    sock.on('error', () => {}); // 'close' follows
    sock.on('close', () => {
      this.connected = false;
      if (this.sock === sock) this.sock = null;
      this.stats.droppedDown += this.queue.length;
      this.queue.length = 0;
      this.schedule();
    });
  }

  private flush(): void {
    const sock = this.sock;
    if (sock === null || !this.connected) return;
    while (this.queue.length > 0 && sock.writableLength <= this.highWater) {
      sock.write(`${this.queue.shift()}\n`);
      this.stats.sent++;
    }
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, this.backoff);
    this.timer.unref();
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5000);
  }
}
