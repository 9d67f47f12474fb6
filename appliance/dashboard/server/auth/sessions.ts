import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  username: string;
  role: 'admin' | 'analyst';
  /** Synchronizer token: sent back in x-csrf-token on every state-changing request. */
  csrf: string;
  expiresAt: number;
}

/**
 * Server-side sessions keyed by a random 256-bit id carried in an HttpOnly, SameSite=Strict
 * cookie. Held in memory: a restart logs everyone out, which is acceptable for a SOC tool and
 * keeps no session secrets on disk.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(username: string, role: Session['role']): Session {
    this.sweep();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      username,
      role,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session for an id, its expiry slid forward; undefined when absent or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    s.expiresAt = this.now() + this.ttlMs;
    return s;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
