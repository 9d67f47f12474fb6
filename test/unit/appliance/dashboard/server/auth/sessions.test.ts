import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../../../../../appliance/dashboard/server/auth/sessions.js';

const secret = randomBytes(32);

describe('SessionStore (signed cookies)', () => {
  it('accepts its own cookie, slides the expiry after half the TTL, and expires an idle session', () => {
    let now = 0;
    const store = new SessionStore(secret, 1000, () => now);
    const s = store.create('ana', 'analyst');
    now = 400;
    expect(store.get(s.id)?.username).toBe('ana');
    expect(store.get(s.id)?.renewed).toBeUndefined();
    now = 600; // past half the lifetime: a renewed cookie is issued
    const renewed = store.get(s.id)?.renewed as string;
    expect(renewed).toBeDefined();
    now = 1500; // the original cookie has expired, the renewed one lives until 1600
    expect(store.get(s.id)).toBeUndefined();
    expect(store.get(renewed)?.username).toBe('ana');
    now = 1601;
    expect(store.get(renewed)).toBeUndefined();
  });

  it('is accepted by another replica with the same secret, and by no other', () => {
    const a = new SessionStore(secret, 60_000);
    const b = new SessionStore(Buffer.from(secret), 60_000);
    const other = new SessionStore(randomBytes(32), 60_000);
    const s = a.create('root', 'admin');
    expect(b.get(s.id)).toMatchObject({ username: 'root', role: 'admin', csrf: s.csrf });
    expect(other.get(s.id)).toBeUndefined();
  });

  it('refuses a tampered cookie: a role change breaks the signature', () => {
    const store = new SessionStore(secret, 60_000);
    const s = store.create('ana', 'analyst');
    const [body, sig] = s.id.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), r: 'admin' }),
    ).toString('base64url');
    expect(store.get(`${forged}.${sig}`)).toBeUndefined();
    expect(store.get('garbage')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });

  it('revokes a session on logout and gives each session its own CSRF token', () => {
    const store = new SessionStore(secret, 60_000);
    const s1 = store.create('a', 'admin');
    const s2 = store.create('a', 'admin');
    expect(s1.csrf).not.toBe(s2.csrf);
    store.destroy(s1.id);
    expect(store.get(s1.id)).toBeUndefined();
    expect(store.get(s2.id)).toBeDefined();
  });

  it('refuses a short secret', () => {
    expect(() => new SessionStore(Buffer.alloc(8), 1000)).toThrow(/32 bytes/);
  });
});
