import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../../../appliance/dashboard/index.js';
import { ADMIN, ANALYST, type DashboardFixture, dashboardFixture, type Login } from './fixture.js';

/**
 * Logout, "log out everywhere" and a password change hold after a restart and in every replica:
 * each app here is built over the same state directory, as a restarted process or a second
 * replica behind a load balancer would be.
 */

const FILE_ADMIN = { username: 'admin', password: 'first-admin-pass' };

let fx: DashboardFixture;

beforeAll(async () => {
  fx = await dashboardFixture('ja4-dash-revoke-');
  // A user of users.json (the config's users keep their hashes in the config file).
  mkdirSync(fx.config.dashboard.state_dir, { recursive: true });
  const user = {
    ...FILE_ADMIN,
    password: undefined,
    password_hash: await hashPassword(FILE_ADMIN.password),
    role: 'admin',
  };
  writeFileSync(join(fx.config.dashboard.state_dir, 'users.json'), JSON.stringify([user]), { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

const status = async (app: FastifyInstance, s: Login) =>
  (await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: s.cookie } })).statusCode;

const post = (app: FastifyInstance, url: string, s: Login, payload?: object) =>
  app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });

describe('session revocation survives restarts and replicas', () => {
  it('a logged-out cookie stays refused after a restart', async () => {
    const { app: first } = await fx.build();
    const s = await fx.login(first, ANALYST);
    expect(await status(first, s)).toBe(200);
    expect((await post(first, '/api/logout', s)).statusCode).toBe(200);
    expect(await status(first, s)).toBe(401);
    const { app: restarted } = await fx.build();
    expect(await status(restarted, s)).toBe(401);
    expect(
      (await restarted.inject({ method: 'GET', url: '/api/overview', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('a logout in one replica holds in another at its next request', async () => {
    const { app: a } = await fx.build();
    const { app: b } = await fx.build();
    const s = await fx.login(a, ANALYST);
    expect(await status(b, s)).toBe(200);
    expect((await post(b, '/api/logout', s)).statusCode).toBe(200);
    expect(await status(a, s)).toBe(401);
  });

  it('log out everywhere ends every session of the user in every replica and after a restart', async () => {
    const { app: a } = await fx.build();
    const { app: b } = await fx.build();
    const s1 = await fx.login(a, ANALYST);
    const s2 = await fx.login(b, ANALYST);
    const other = await fx.login(a, ADMIN);
    expect((await post(a, '/api/logout-all', s1)).statusCode).toBe(200);
    for (const app of [a, b, (await fx.build()).app]) {
      expect(await status(app, s1)).toBe(401);
      expect(await status(app, s2)).toBe(401);
      expect(await status(app, other)).toBe(200);
    }
    const again = await fx.login(b, ANALYST);
    expect(await status(a, again)).toBe(200);
  });

  it('a password change ends the other sessions, keeps the changing client logged in, and reaches every replica', async () => {
    const { app: a } = await fx.build();
    const { app: b } = await fx.build();
    const elsewhere = await fx.login(b, FILE_ADMIN);
    const here = await fx.login(a, FILE_ADMIN);
    const wrong = await post(a, '/api/password', here, {
      current_password: 'nope',
      new_password: 'a-new-pass-123',
    });
    expect(wrong.statusCode).toBe(401);
    const res = await post(a, '/api/password', here, {
      current_password: FILE_ADMIN.password,
      new_password: 'a-new-pass-123',
    });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = {
      cookie: String(res.headers['set-cookie']).split(';')[0],
      csrf: res.json().csrf as string,
    };
    const restarted = (await fx.build()).app;
    for (const app of [a, b, restarted]) {
      expect(await status(app, here)).toBe(401);
      expect(await status(app, elsewhere)).toBe(401);
      expect(await status(app, fresh)).toBe(200);
    }
    const oldPw = await b.inject({ method: 'POST', url: '/api/login', payload: FILE_ADMIN });
    expect(oldPw.statusCode).toBe(401);
    await fx.login(b, { username: 'admin', password: 'a-new-pass-123' });
    await fx.login(restarted, { username: 'admin', password: 'a-new-pass-123' });
  });

  it('refuses to change the password of a user defined in the config, naming where it lives', async () => {
    const { app } = await fx.build();
    const s = await fx.login(app, ANALYST);
    const res = await post(app, '/api/password', s, {
      current_password: ANALYST.password,
      new_password: 'another-pass-456',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('dashboard.users');
    expect(await status(app, s)).toBe(200);
  });
});
