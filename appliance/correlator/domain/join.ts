import type { HttpEvent, TlsEvent } from '../../common/events/index.js';
import type { Clock } from '../ports/clock.js';
import { connectionKey } from './connection-key.js';
import {
  type Basis,
  better,
  countRejection,
  type Handshake,
  isRejection,
  judge,
  newHandshake,
  type WaitReason,
  waitReason,
} from './handshake.js';
import { HandshakeTable } from './handshake-table.js';
import { emptyJoinStats, type JoinStats } from './join-stats.js';
import { NO_TLS_FRAGMENT, rowLine, tlsFragment } from './row.js';

export interface JoinOptions {
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
  /** Slack between the producers' timestamps in the time tests (handshake.ts), µs. Default 1000. */
  toleranceUs?: number;
  /** Handshakes held per connection key (recent connections on one peer port). Default 8. */
  handshakesPerKey?: number;
}

/** Receives each output row as one JSON line (correlatedRowSchema), without the newline. */
export type RowEmitter = (line: string) => void;

interface Pending {
  key: string;
  ev: HttpEvent;
  raw: string | undefined;
  deadline: number;
  done: boolean;
  why: WaitReason;
}

/**
 * The join, pure: no I/O, time from the injected clock. The windows (grace, idle) run on
 * arrival time, so a skewed producer clock cannot make a live connection look stale; which
 * handshake is a request's is decided from the events themselves (handshake.ts).
 *
 * Every HTTP event leaves exactly once through `emit`: joined, passed through (plain HTTP), or
 * without fingerprints (late, overflow, drained). Nothing is dropped here; bounds turn waiting
 * into early emission and holding into eviction, both counted in `stats`.
 */
export class ConnectionJoin {
  readonly stats: JoinStats = emptyJoinStats();
  private readonly table: HandshakeTable;
  private readonly tolerance: number;
  private readonly pendingByKey = new Map<string, Pending[]>();
  /** FIFO of waiting requests; deadlines ascend because the grace is constant and time is monotonic. */
  private queue: Pending[] = [];
  private head = 0;
  private pendingCount = 0;

  constructor(
    private readonly opts: JoinOptions,
    private readonly clock: Clock,
    private readonly emit: RowEmitter,
  ) {
    this.tolerance = opts.toleranceUs ?? 1000;
    this.table = new HandshakeTable(
      {
        idleWindowMs: opts.idleWindowMs,
        maxHandshakes: opts.maxConnections,
        perKey: opts.handshakesPerKey ?? 8,
      },
      this.stats,
    );
  }

  /** Handshakes held. */
  get connections(): number {
    return this.table.size;
  }

  get pending(): number {
    return this.pendingCount;
  }

  onTls(ev: TlsEvent): void {
    const now = this.clock.now();
    this.stats.tlsIn++;
    const key = connectionKey(ev.src_ip, ev.src_port, ev.dst_ip, ev.dst_port, this.opts.joinOnServerIp);
    const h = newHandshake(ev, now);
    this.table.add(key, h, now);
    const waiting = this.pendingByKey.get(key);
    if (waiting === undefined) return;
    // Oldest first: a connection's first request binds the handshake, its later ones follow.
    let left = 0;
    for (const p of waiting) {
      const v = judge(h, p.ev, this.tolerance);
      if (isRejection(v)) {
        countRejection(this.stats, v);
        p.why = waitReason(p.why, v);
        waiting[left++] = p;
        continue;
      }
      p.done = true;
      this.pendingCount--;
      this.stats.joinedAfterWait++;
      this.use(h, p.ev, h.connId === p.ev.conn_id ? 'connection' : v, now);
      this.emit(rowLine(p.ev, fragmentOf(h), p.raw));
    }
    waiting.length = left;
    if (left === 0) this.pendingByKey.delete(key);
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
    // Requests of one connection wait behind its first: they must not bind another handshake.
    const queued = this.pendingCount > 0 ? this.pendingByKey.get(key) : undefined;
    let why: WaitReason = 'noHandshake';
    if (queued === undefined || !queued.some((p) => p.ev.conn_id === ev.conn_id)) {
      const found = this.find(key, ev, now);
      if (typeof found !== 'string') {
        this.stats.joined++;
        this.emit(rowLine(ev, fragmentOf(found), raw));
        return;
      }
      why = found;
    }
    this.wait(key, ev, raw, now, why);
  }

  /** Emits requests whose grace has passed and retires idle handshakes. Call it often (every ~100 ms). */
  tick(): void {
    const now = this.clock.now();
    this.expirePending(now);
    this.table.sweep(now);
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

  /**
   * The handshake of `ev`'s connection among those held on its key, bound and marked used; or why
   * there is none. The connection's own bound handshake first (keep-alive), else the best free one.
   */
  private find(key: string, ev: HttpEvent, now: number): Handshake | WaitReason {
    const list = this.table.list(key);
    if (list === undefined) return 'noHandshake';
    for (let i = list.length - 1; i >= 0; i--) {
      const h = list[i];
      if (h.connId !== ev.conn_id) continue;
      if (now - h.lastUsed >= this.opts.idleWindowMs && this.table.retireIfIdle(key, h, now))
        return 'noHandshake';
      // The hot path: a keep-alive request of a connection whose handshake is bound to it.
      h.lastUsed = now;
      h.uses++;
      this.stats.basis.connection++;
      return h;
    }
    let best: Handshake | undefined;
    let bestBasis: Basis | undefined;
    let why: WaitReason = 'noHandshake';
    for (let i = list.length - 1; i >= 0; i--) {
      const h = list[i];
      if (now - h.lastUsed >= this.opts.idleWindowMs) continue; // the sweep retires it
      const v = judge(h, ev, this.tolerance);
      if (isRejection(v)) {
        countRejection(this.stats, v);
        why = waitReason(why, v);
      } else if (better(v, h, bestBasis, best)) {
        best = h;
        bestBasis = v;
      }
    }
    if (best === undefined || bestBasis === undefined) return why;
    this.use(best, ev, bestBasis, now);
    return best;
  }

  private use(h: Handshake, ev: HttpEvent, basis: Basis | 'connection', now: number): void {
    h.connId = ev.conn_id;
    h.lastUsed = now;
    h.uses++;
    const b = this.stats.basis;
    if (basis === 'connection') b.connection++;
    else if (basis === 'seq') b.seq++;
    else if (basis === 'time') b.time++;
    else b.legacy++;
  }

  private wait(key: string, ev: HttpEvent, raw: string | undefined, now: number, why: WaitReason): void {
    const p: Pending = { key, ev, raw, deadline: now + this.opts.graceMs, done: false, why };
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
      if (reason === 'overflow') this.stats.pendingOverflow++;
      else {
        this.stats.late++;
        if (p.why === 'noHandshake') this.stats.lateNoHandshake++;
        else if (p.why === 'tooOld') this.stats.lateTooOld++;
        else this.stats.lateMismatch++;
      }
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
}

function fragmentOf(h: Handshake): string {
  h.fragment ??= tlsFragment(h.tls);
  return h.fragment;
}
