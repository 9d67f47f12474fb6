import type { Handshake } from './handshake.js';
import type { JoinStats } from './join-stats.js';

interface Entry {
  /** Oldest first. Short: one per connection seen recently on this peer address and port. */
  list: Handshake[];
  /** When the entry entered (or re-entered) the tail of the table: the table is ordered by it. */
  queuedAt: number;
}

export interface TableOptions {
  /** A handshake is held until this long after its last request (or its arrival). */
  idleWindowMs: number;
  /** Bound on handshakes held; past it the oldest is evicted (counted). */
  maxHandshakes: number;
  /** Bound on handshakes held per key; past it the key's oldest is dropped (counted replaced). */
  perKey: number;
}

/**
 * The handshakes held, by connection key, each key with a short list: a new connection's
 * ClientHello can arrive while the previous connection's requests on the same port (behind a
 * proxy) are still on their way, so the older handshake must stay to serve them.
 */
export class HandshakeTable {
  private readonly keys = new Map<string, Entry>();
  private count = 0;

  constructor(
    private readonly opts: TableOptions,
    private readonly stats: JoinStats,
  ) {}

  get size(): number {
    return this.count;
  }

  /** The key's handshakes, oldest first (the array itself: callers must not keep it). */
  list(key: string): readonly Handshake[] | undefined {
    return this.keys.get(key)?.list;
  }

  add(key: string, h: Handshake, now: number): void {
    if (this.count >= this.opts.maxHandshakes) this.evictOldest();
    let entry = this.keys.get(key);
    if (entry === undefined) {
      entry = { list: [], queuedAt: now };
      this.keys.set(key, entry);
    }
    entry.list.push(h);
    this.count++;
    if (entry.list.length > this.opts.perKey) {
      entry.list.shift();
      this.count--;
      this.stats.tlsReplaced++;
    }
  }

  /** Is `h` past the idle window? Then it leaves the table (counted) and true is returned. */
  retireIfIdle(key: string, h: Handshake, now: number): boolean {
    if (now - h.lastUsed < this.opts.idleWindowMs) return false;
    const entry = this.keys.get(key);
    const i = entry ? entry.list.indexOf(h) : -1;
    if (entry && i >= 0) {
      entry.list.splice(i, 1);
      this.count--;
      this.countRetired(h);
      if (entry.list.length === 0) this.keys.delete(key);
    }
    return true;
  }

  /** Retires idle handshakes; entries whose check time has come are checked, oldest first. */
  sweep(now: number): void {
    const idle = this.opts.idleWindowMs;
    for (const [key, entry] of this.keys) {
      if (now - entry.queuedAt < idle) break;
      const kept = entry.list.filter((h) => now - h.lastUsed < idle);
      for (const h of entry.list) if (now - h.lastUsed >= idle) this.countRetired(h);
      this.count -= entry.list.length - kept.length;
      this.keys.delete(key);
      if (kept.length > 0) {
        // Still in use: back to the tail so the head stays the oldest.
        entry.list = kept;
        entry.queuedAt = now;
        this.keys.set(key, entry);
      }
    }
  }

  private countRetired(h: Handshake): void {
    if (h.uses === 0) this.stats.tlsOrphaned++;
    else this.stats.tlsExpired++;
  }

  private evictOldest(): void {
    for (const [key, entry] of this.keys) {
      entry.list.shift();
      this.count--;
      this.stats.tlsEvicted++;
      if (entry.list.length === 0) this.keys.delete(key);
      return;
    }
  }
}
