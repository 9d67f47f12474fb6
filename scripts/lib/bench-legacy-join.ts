/**
 * The join as it was before connection identity (key only: the newest handshake on a peer
 * address and port serves any request on it). Kept for bench:correlator alone, which measures
 * its rate beside the current join's in the same run; it attributes wrongly behind a proxy.
 */
import type { HttpEvent, TlsEvent } from '../../appliance/common/events/index.js';
import { connectionKey } from '../../appliance/correlator/domain/connection-key.js';
import { emptyJoinStats, type JoinStats } from '../../appliance/correlator/domain/join-stats.js';
import { NO_TLS_FRAGMENT, rowLine, tlsFragment } from '../../appliance/correlator/domain/row.js';
import type { Clock } from '../../appliance/correlator/ports/clock.js';

interface JoinOptions {
  /** A handshake serves its connection until this long after its last request (or its arrival). */
  idleWindowMs: number;
  /** How long a TLS request waits for its handshake before it is emitted without fingerprints. */
  graceMs: number;
  /** Bound on handshakes held; past it the oldest is evicted (counted). */
  maxConnections: number;
  /** Bound on requests waiting; past it the oldest is emitted early without fingerprints (counted). */
  maxPending: number;
  /** Include the server address in the key (off by default: NAT and port maps rewrite it). */
  joinOnServerIp: boolean;
}

/** Receives each output row as one JSON line (correlatedRowSchema), without the newline. */
type RowEmitter = (line: string) => void;

interface Connection {
  tls: TlsEvent;
  /** The handshake half of the row, serialised on first use (see row.ts). */
  fragment: string | undefined;
  lastUsed: number;
  /** When the entry entered (or re-entered) the tail of the table: the table is ordered by it. */
  queuedAt: number;
  uses: number;
}

interface Pending {
  key: string;
  ev: HttpEvent;
  raw: string | undefined;
  deadline: number;
  done: boolean;
}

/**
 * The join, pure: no I/O, time from the injected clock. Windows run on arrival time, not on the
 * producers' timestamps, so a skewed producer clock cannot make a live connection look stale.
 *
 * Every HTTP event leaves exactly once through `emit`: joined, passed through (plain HTTP), or
 * without fingerprints (late, overflow, drained). Nothing is dropped here; bounds turn waiting
 * into early emission and holding into eviction, both counted in `stats`.
 */
export class LegacyConnectionJoin {
  readonly stats: JoinStats = emptyJoinStats();
  /** Insertion order = `queuedAt` ascending, which makes the idle sweep stop at the first live entry. */
  private readonly conns = new Map<string, Connection>();
  private readonly pendingByKey = new Map<string, Pending[]>();
  /** FIFO of waiting requests; deadlines ascend because the grace is constant and time is monotonic. */
  private queue: Pending[] = [];
  private head = 0;
  private pendingCount = 0;

  constructor(
    private readonly opts: JoinOptions,
    private readonly clock: Clock,
    private readonly emit: RowEmitter,
  ) {}

  get connections(): number {
    return this.conns.size;
  }

  get pending(): number {
    return this.pendingCount;
  }

  onTls(ev: TlsEvent): void {
    const now = this.clock.now();
    this.stats.tlsIn++;
    const key = connectionKey(ev.src_ip, ev.src_port, ev.dst_ip, ev.dst_port, this.opts.joinOnServerIp);
    const old = this.conns.get(key);
    if (old) {
      // A new ClientHello on a key still held: the client port was reused for a new connection
      // (or the handshake was renegotiated); later requests belong to the new one.
      this.stats.tlsReplaced++;
      this.conns.delete(key);
    } else if (this.conns.size >= this.opts.maxConnections) {
      this.evictOldest();
    }
    const conn: Connection = { tls: ev, fragment: undefined, lastUsed: now, queuedAt: now, uses: 0 };
    this.conns.set(key, conn);
    const waiting = this.pendingByKey.get(key);
    if (waiting) {
      this.pendingByKey.delete(key);
      for (const p of waiting) {
        p.done = true;
        this.stats.joinedAfterWait++;
        this.emit(rowLine(p.ev, fragmentOf(conn), p.raw));
      }
      this.pendingCount -= waiting.length;
      conn.uses += waiting.length;
    }
  }

  /** `raw`: the event's line as received, when there is one (lets the row reuse its bytes; row.ts). */
  onHttp(ev: HttpEvent, raw?: string): void {
    const now = this.clock.now();
    this.stats.httpIn++;
    if (!ev.tls) {
      this.stats.plain++;
      this.emit(rowLine(ev, NO_TLS_FRAGMENT, raw));
      return;
    }
    const key = connectionKey(ev.conn_ip, ev.conn_port, ev.local_ip, ev.local_port, this.opts.joinOnServerIp);
    const conn = this.conns.get(key);
    if (conn !== undefined) {
      if (now - conn.lastUsed < this.opts.idleWindowMs) {
        conn.lastUsed = now;
        conn.uses++;
        this.stats.joined++;
        this.emit(rowLine(ev, fragmentOf(conn), raw));
        return;
      }
      this.retire(key, conn);
    }
    this.wait(key, ev, raw, now);
  }

  /** Emits requests whose grace has passed and retires idle handshakes. Call it often (every ~100 ms). */
  tick(): void {
    const now = this.clock.now();
    this.expirePending(now);
    this.sweepIdle(now);
  }

  /** Emits every waiting request without fingerprints (shutdown: nothing accepted is lost). */
  drain(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const p = this.queue[i];
      if (p.done) continue;
      p.done = true;
      this.stats.drainedAtClose++;
      this.emit(rowLine(p.ev, NO_TLS_FRAGMENT, p.raw));
    }
    this.queue = [];
    this.head = 0;
    this.pendingByKey.clear();
    this.pendingCount = 0;
  }

  private wait(key: string, ev: HttpEvent, raw: string | undefined, now: number): void {
    const p: Pending = { key, ev, raw, deadline: now + this.opts.graceMs, done: false };
    this.queue.push(p);
    const list = this.pendingByKey.get(key);
    if (list) list.push(p);
    else this.pendingByKey.set(key, [p]);
    this.pendingCount++;
    if (this.pendingCount > this.opts.maxPending) this.releaseHead('overflow');
  }

  private expirePending(now: number): void {
    while (this.head < this.queue.length) {
      const p = this.queue[this.head];
      if (!p.done && p.deadline > now) break;
      if (!p.done) this.releaseHead('late');
      else this.head++;
    }
    this.compact();
  }

  /** Emits the oldest waiting request without fingerprints. */
  private releaseHead(reason: 'late' | 'overflow'): void {
    while (this.head < this.queue.length) {
      const p = this.queue[this.head++];
      if (p.done) continue;
      p.done = true;
      const list = this.pendingByKey.get(p.key);
      // Per key the list is FIFO too, so the oldest of the queue is the first of its list.
      if (list) {
        list.shift();
        if (list.length === 0) this.pendingByKey.delete(p.key);
      }
      this.pendingCount--;
      if (reason === 'late') this.stats.late++;
      else this.stats.pendingOverflow++;
      this.emit(rowLine(p.ev, NO_TLS_FRAGMENT, p.raw));
      return;
    }
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private sweepIdle(now: number): void {
    const idle = this.opts.idleWindowMs;
    for (const [key, conn] of this.conns) {
      if (now - conn.queuedAt < idle) break;
      if (now - conn.lastUsed >= idle) {
        this.retire(key, conn);
      } else {
        // Still in use: move it to the tail so the head stays the oldest.
        this.conns.delete(key);
        conn.queuedAt = now;
        this.conns.set(key, conn);
      }
    }
  }

  private retire(key: string, conn: Connection): void {
    this.conns.delete(key);
    if (conn.uses === 0) this.stats.tlsOrphaned++;
    else this.stats.tlsExpired++;
  }

  private evictOldest(): void {
    for (const key of this.conns.keys()) {
      this.conns.delete(key);
      this.stats.tlsEvicted++;
      return;
    }
  }
}

function fragmentOf(conn: Connection): string {
  conn.fragment ??= tlsFragment(conn.tls);
  return conn.fragment;
}
