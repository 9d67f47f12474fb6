import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  /** The cookie value: the signed session. */
  id: string;
  username: string;
  role: 'admin' | 'analyst';
  /** Synchronizer token: sent back in x-csrf-token on every state-changing request. */
  csrf: string;
  expiresAt: number;
  /** Set when the sliding expiry moved: the caller re-sends the cookie with this value. */
  renewed?: string;
}

interface Payload {
  /** Session id: random, names the session in the revocation list and the CSRF token. */
  sid: string;
  u: string;
  r: Session['role'];
  exp: number;
}

/**
 * Sessions as HMAC-SHA256-signed cookies (`payload.signature`, base64url), so every dashboard
 * replica holding the same dashboard.session_secret accepts them: no shared session store is
 * needed behind a load balancer. The expiry slides: a session used after half its lifetime is
 * re-issued. Logout revokes the session id in this process and clears the cookie; another
 * replica honours the cookie until it expires (at most the TTL), the usual trade-off of
 * signed sessions.
 */
export class SessionStore {
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('session secret must be at least 32 bytes');
  }

  create(username: string, role: Session['role']): Session {
    const payload: Payload = {
      sid: randomBytes(16).toString('base64url'),
      u: username,
      r: role,
      exp: this.now() + this.ttlMs,
    };
    return this.toSession(payload, this.sign(payload));
  }

  /** The live session for a cookie value; undefined when absent, forged, expired or revoked. */
  get(cookie: string | undefined): Session | undefined {
    const payload = cookie ? this.verify(cookie) : undefined;
    if (!payload || payload.exp <= this.now() || this.revoked.has(payload.sid)) return undefined;
    const session = this.toSession(payload, cookie as string);
    if (payload.exp - this.now() < this.ttlMs / 2) {
      const fresh: Payload = { ...payload, exp: this.now() + this.ttlMs };
      session.renewed = this.sign(fresh);
      session.expiresAt = fresh.exp;
    }
    return session;
  }

  destroy(cookie: string | undefined): void {
    const payload = cookie ? this.verify(cookie) : undefined;
    if (!payload) return;
    const now = this.now();
    for (const [sid, exp] of this.revoked) if (exp <= now) this.revoked.delete(sid);
    this.revoked.set(payload.sid, payload.exp);
  }

  private toSession(p: Payload, id: string): Session {
    return {
      id,
      username: p.u,
      role: p.r,
      csrf: this.mac(`csrf:${p.sid}`).toString('base64url'),
      expiresAt: p.exp,
    };
  }

  private sign(p: Payload): string {
    const body = Buffer.from(JSON.stringify(p)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  private verify(cookie: string): Payload | undefined {
    const dot = cookie.indexOf('.');
    if (dot <= 0 || cookie.length > 1024) return undefined;
    const body = cookie.slice(0, dot);
    const sig = Buffer.from(cookie.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
    try {
      const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
      const valid =
        typeof p.sid === 'string' &&
        typeof p.u === 'string' &&
        (p.r === 'admin' || p.r === 'analyst') &&
        typeof p.exp === 'number';
      return valid ? p : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.secret).update(text).digest();
  }
}
