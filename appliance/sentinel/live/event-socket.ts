import net from 'node:net';

export interface EventSocketStats {
  sent: number;
  /** Dropped because the correlator socket was down longer than the hold time, or the hold was full. */
  droppedDown: number;
  /** Dropped because the socket was connected but the queue was full (slow reader). */
  droppedFull: number;
  connects: number;
}

/** How soon a held line brings the next reconnect attempt. */
const HURRY_MS = 100;

export interface EventSocketOptions {
  /** Lines held while the socket is backed up or down; past this, lines are dropped. */
  maxQueue: number;
  /**
   * How long a line is held while the socket is down (the correlator starting or restarting);
   * 0 drops at once. Older lines are dropped and counted when it comes back.
   */
  holdDownMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
  /** Reconnect backoff bounds. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Bytes the kernel+stream may hold before we stop writing and queue instead. */
  highWaterBytes?: number;
}

/**
 * Newline-delimited JSON to a UNIX stream socket, never blocking the caller: producers drop and
 * count what they cannot hand over. While the socket is down it holds lines for `holdDownMs`
 * (the correlator starts after the sentinel at boot, and restarts on upgrade: a handshake seen
 * then still belongs to the requests that follow it), retrying at least once a second while it
 * holds any. Memory is bounded by `maxQueue` lines plus `highWaterBytes` in the socket's buffer.
 */
export class EventSocketWriter {
  readonly stats: EventSocketStats = { sent: 0, droppedDown: 0, droppedFull: 0, connects: 0 };
  private sock: net.Socket | null = null;
  private connected = false;
  private readonly queue: string[] = [];
  /** When each queued line was queued (the clock's ms), for the hold time while down. */
  private readonly queuedAt: number[] = [];
  private backoff: number;
  private timer: NodeJS.Timeout | null = null;
  /** When the pending reconnect attempt is due (Date.now() ms). */
  private due = 0;
  private closed = false;
  private readonly highWater: number;
  private readonly holdDownMs: number;
  private readonly now: () => number;

  constructor(
    readonly path: string,
    private readonly opts: EventSocketOptions,
  ) {
    this.backoff = opts.minBackoffMs ?? 100;
    this.highWater = opts.highWaterBytes ?? 64 * 1024;
    this.holdDownMs = opts.holdDownMs ?? 0;
    this.now = opts.now ?? Date.now;
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
      this.expireHeld();
      if (this.holdDownMs === 0 || this.queue.length >= this.opts.maxQueue) {
        this.stats.droppedDown++;
        return false;
      }
      this.hold(line);
      this.hurry();
      return true;
    }
    if (this.queue.length > 0 || this.sock.writableLength > this.highWater) {
      if (this.queue.length >= this.opts.maxQueue) {
        this.stats.droppedFull++;
        return false;
      }
      this.hold(line);
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

  private hold(line: string): void {
    this.queue.push(line);
    this.queuedAt.push(this.now());
  }

  /**
   * A held line brings the next reconnect attempt forward to HURRY_MS: the correlator waits only
   * its grace period (2 s by default) for a request's handshake, so a line must not sit out a
   * backoff of seconds once the socket is back. One attempt at a time, so a flood while the
   * socket is absent costs at most one attempt per HURRY_MS.
   */
  private hurry(): void {
    if (this.timer === null || this.due - Date.now() <= HURRY_MS) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.arm(HURRY_MS);
  }

  /** Drops (and counts) the held lines older than the hold time. */
  private expireHeld(): void {
    const oldest = this.now() - this.holdDownMs;
    let n = 0;
    while (n < this.queue.length && this.queuedAt[n] < oldest) n++;
    if (n === 0) return;
    this.queue.splice(0, n);
    this.queuedAt.splice(0, n);
    this.stats.droppedDown += n;
  }

  private connect(): void {
    if (this.closed) return;
    const sock = net.createConnection(this.path);
    this.sock = sock;
    sock.on('connect', () => {
      this.connected = true;
      this.stats.connects++;
      this.backoff = this.opts.minBackoffMs ?? 100;
      this.expireHeld();
      this.flush();
    });
    sock.on('drain', () => this.flush());
    sock.on('data', () => {}); // the correlator says nothing; keep the stream flowing
    sock.on('error', () => {}); // 'close' follows
    sock.on('close', () => {
      this.connected = false;
      if (this.sock === sock) this.sock = null;
      if (this.holdDownMs === 0) {
        this.stats.droppedDown += this.queue.length;
        this.queue.length = 0;
        this.queuedAt.length = 0;
      }
      this.schedule();
    });
  }

  private flush(): void {
    const sock = this.sock;
    if (sock === null || !this.connected) return;
    while (this.queue.length > 0 && sock.writableLength <= this.highWater) {
      sock.write(`${this.queue.shift()}\n`);
      this.queuedAt.shift();
      this.stats.sent++;
    }
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    // Held lines age: retry at least once a second while there are any.
    this.arm(this.queue.length > 0 ? Math.min(this.backoff, 1000) : this.backoff);
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5000);
  }

  private arm(wait: number): void {
    this.due = Date.now() + wait;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, wait);
    this.timer.unref();
  }
}
