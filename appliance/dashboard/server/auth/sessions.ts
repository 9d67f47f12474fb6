import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Revocations } from './revocations.js';

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
  /** Issued at (ms): kept through renewals, so "log out everywhere" reaches renewed cookies too. */
  iat: number;
}

/**
 * Sessions as HMAC-SHA256-signed cookies (`payload.signature`, base64url), so every dashboard
 * replica holding the same dashboard.session_secret accepts them: no shared session store is
 * needed behind a load balancer. The expiry slides: a session used after half its lifetime is
 * re-issued. Revocation is persistent and shared (see revocations.ts): logout revokes the
 * session id, "log out everywhere" and a password change revoke every session of the user issued
 * before that moment; every replica and every restart checks them on each request.
 */
export class SessionStore {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly revocations: Revocations,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('session secret must be at least 32 bytes');
  }

  /** A new session; `issuedAt` lets a session made right after destroyAll() outlive it. */
  create(username: string, role: Session['role'], issuedAt = this.now()): Session {
    const payload: Payload = {
      sid: randomBytes(16).toString('base64url'),
      u: username,
      r: role,
      exp: this.now() + this.ttlMs,
      iat: issuedAt,
    };
    return this.toSession(payload, this.sign(payload));
  }

  /** The live session for a cookie value; undefined when absent, forged, expired or revoked. */
  get(cookie: string | undefined): Session | undefined {
    const payload = cookie ? this.verify(cookie) : undefined;
    if (!payload || payload.exp <= this.now()) return undefined;
    if (this.revocations.isRevoked(payload.sid, payload.u, payload.iat)) return undefined;
    const session = this.toSession(payload, cookie as string);
    if (payload.exp - this.now() < this.ttlMs / 2) {
      const fresh: Payload = { ...payload, exp: this.now() + this.ttlMs };
      session.renewed = this.sign(fresh);
      session.expiresAt = fresh.exp;
    }
    return session;
  }

  /** Revokes the session of this cookie (logout). */
  destroy(cookie: string | undefined): void {
    const payload = cookie ? this.verify(cookie) : undefined;
    if (!payload || payload.exp <= this.now()) return;
    // A renewed cookie of the same session may live up to a full TTL from now.
    this.revocations.revokeSession(payload.sid, Math.max(payload.exp, this.now() + this.ttlMs));
  }

  /**
   * Revokes every session of `username` issued until now (log out everywhere, password change).
   * Returns the instant from which sessions are valid again.
   */
  destroyAll(username: string): number {
    const before = this.now() + 1;
    this.revocations.revokeUser(username, before, before + this.ttlMs);
    return before;
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
        typeof p.exp === 'number' &&
        typeof p.iat === 'number';
      return valid ? p : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.secret).update(text).digest();
  }
}
