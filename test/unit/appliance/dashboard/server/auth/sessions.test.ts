import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../../../../../appliance/dashboard/server/auth/sessions.js';

describe('SessionStore', () => {
  it('finds a live session, slides its expiry, and forgets it after the TTL of inactivity', () => {
    let now = 0;
    const store = new SessionStore(1000, () => now);
    const s = store.create('ana', 'analyst');
    expect(s.id).toMatch(/^[\w-]{43}$/);
    now = 900;
    expect(store.get(s.id)?.username).toBe('ana');
    now = 1800; // 900 ms after the last use: still alive
    expect(store.get(s.id)).toBeDefined();
    now = 2801;
    expect(store.get(s.id)).toBeUndefined();
  });

  it('destroys a session on logout and ignores unknown ids', () => {
    const store = new SessionStore(1000);
    const s = store.create('a', 'admin');
    store.destroy(s.id);
    expect(store.get(s.id)).toBeUndefined();
    expect(store.get('nope')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });
});
