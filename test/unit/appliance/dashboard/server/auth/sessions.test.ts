import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RevocationDir } from '../../../../../../appliance/dashboard/server/auth/revocations.js';
import { SessionStore } from '../../../../../../appliance/dashboard/server/auth/sessions.js';

const secret = randomBytes(32);
const revocations = () => new RevocationDir(mkdtempSync(join(tmpdir(), 'ja4-revoked-')));

describe('SessionStore (signed cookies)', () => {
  it('accepts its own cookie, slides the expiry after half the TTL, and expires an idle session', () => {
    let now = 0;
    const store = new SessionStore(secret, 1000, revocations(), () => now);
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
    const a = new SessionStore(secret, 60_000, revocations());
    const b = new SessionStore(Buffer.from(secret), 60_000, revocations());
    const other = new SessionStore(randomBytes(32), 60_000, revocations());
    const s = a.create('root', 'admin');
    expect(b.get(s.id)).toMatchObject({ username: 'root', role: 'admin', csrf: s.csrf });
    expect(other.get(s.id)).toBeUndefined();
  });

  it('refuses a tampered cookie: a role change breaks the signature', () => {
    const store = new SessionStore(secret, 60_000, revocations());
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
    const store = new SessionStore(secret, 60_000, revocations());
    const s1 = store.create('a', 'admin');
    const s2 = store.create('a', 'admin');
    expect(s1.csrf).not.toBe(s2.csrf);
    store.destroy(s1.id);
    expect(store.get(s1.id)).toBeUndefined();
    expect(store.get(s2.id)).toBeDefined();
  });

  it('refuses a short secret', () => {
    expect(() => new SessionStore(Buffer.alloc(8), 1000, revocations())).toThrow(/32 bytes/);
  });
});

describe('revocations shared through a directory', () => {
  it('hold across a restart and in another replica, renewed cookies included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-revoked-'));
    let now = Date.parse('2026-03-01T12:00:00Z');
    const clock = () => now;
    const a = new SessionStore(secret, 3_600_000, new RevocationDir(dir, clock), clock);
    const b = new SessionStore(secret, 3_600_000, new RevocationDir(dir, clock), clock);
    const s = a.create('ana', 'analyst');
    now += 2_000_000; // past half the TTL: b renews the cookie
    const renewed = b.get(s.id)?.renewed as string;
    expect(renewed).toBeDefined();
    a.destroy(s.id);
    expect(b.get(s.id)).toBeUndefined();
    expect(b.get(renewed)).toBeUndefined();
    const restarted = new SessionStore(secret, 3_600_000, new RevocationDir(dir, clock), clock);
    expect(restarted.get(renewed)).toBeUndefined();
  });

  it('log out everywhere ends every earlier session of the user only, in every replica', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-revoked-'));
    const a = new SessionStore(secret, 60_000, new RevocationDir(dir));
    const b = new SessionStore(secret, 60_000, new RevocationDir(dir));
    const ana1 = a.create('ana', 'analyst');
    const ana2 = b.create('ana', 'analyst');
    const bob = a.create('bob', 'analyst');
    const validFrom = b.destroyAll('ana');
    const after = b.create('ana', 'analyst', validFrom);
    for (const store of [a, b, new SessionStore(secret, 60_000, new RevocationDir(dir))]) {
      expect(store.get(ana1.id)).toBeUndefined();
      expect(store.get(ana2.id)).toBeUndefined();
      expect(store.get(bob.id)?.username).toBe('bob');
      expect(store.get(after.id)?.username).toBe('ana');
    }
  });

  it('drops the files of past days and survives a torn line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-revoked-'));
    writeFileSync(join(dir, '2020-01-01.jsonl'), '\n{"t":"sid","sid":"old","exp":1577836800000}\n');
    let now = Date.parse('2026-03-01T12:00:00Z');
    const clock = () => now;
    const store = new SessionStore(secret, 60_000, new RevocationDir(dir, clock), clock);
    expect(readdirSync(dir)).not.toContain('2020-01-01.jsonl');
    const s1 = store.create('ana', 'analyst');
    const s2 = store.create('ana', 'analyst');
    // A writer that crashed mid-line: the next entry must still be read.
    appendFileSync(join(dir, '2026-03-01.jsonl'), '{"t":"sid","sid":"tor');
    store.destroy(s1.id);
    const fresh = new SessionStore(secret, 60_000, new RevocationDir(dir, clock), clock);
    expect(fresh.get(s1.id)).toBeUndefined();
    expect(fresh.get(s2.id)).toBeDefined();
    now += 86_400_000 * 2;
    expect(fresh.get(s2.id)).toBeUndefined(); // expired by then anyway
    new RevocationDir(dir, clock);
    expect(readdirSync(dir)).not.toContain('2026-03-01.jsonl');
  });
});
