import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { expect } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { type Config, defaultConfig } from '../../../../../appliance/common/config/schema.js';
import { migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { buildApp, hashPassword, type RouteRule } from '../../../../../appliance/dashboard/index.js';
import type { DetectorLink } from '../../../../../appliance/dashboard/server/detector-link.js';
import { openTempEmbedded } from '../../../../helpers/clickhouse.js';

export const ADMIN = { username: 'root', password: 'admin-test-pass' };
export const ANALYST = { username: 'ana', password: 'analyst-test-pass' };

export interface Login {
  cookie: string;
  csrf: string;
}

/**
 * A dashboard over a real embedded engine with the whole schema, a tiny web build, two users
 * (an admin and an analyst from the config, plus the first-run admin of users.json) and spies
 * for the admin actions and the detector link: `calls` records what ran.
 */
export interface DashboardFixture {
  ch: ClickHouseHandle;
  config: Config;
  calls: string[];
  /**
   * A new app over the same engine and state directory: a restart, or another replica;
   * `variant` changes a copy of the config (one engine per process, so variants share it);
   * `httpDetector` uses the real detector link (HTTP, token from the config or state directory).
   */
  build(
    variant?: (c: Config) => void,
    opts?: { httpDetector?: boolean },
  ): Promise<{ app: FastifyInstance; routes: RouteRule[] }>;
  login(app: FastifyInstance, user: { username: string; password: string }): Promise<Login>;
  close(): Promise<void>;
}

export async function dashboardFixture(
  prefix: string,
  configure: (c: Config) => void = () => undefined,
): Promise<DashboardFixture> {
  const ch = await openTempEmbedded(prefix);
  await migrateUp(ch.client);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}state-`));
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>ja4</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  const config = defaultConfig();
  config.dashboard.state_dir = join(dir, 'state');
  config.dashboard.admin_password = 'first-admin-pass';
  config.dashboard.users = [
    { username: ANALYST.username, password_hash: await hashPassword(ANALYST.password), role: 'analyst' },
    { username: ADMIN.username, password_hash: await hashPassword(ADMIN.password), role: 'admin' },
  ];
  configure(config);
  const calls: string[] = [];
  const spy = (name: string) => async () => {
    calls.push(name);
    return { ran: name };
  };
  const detector: DetectorLink = {
    request: async (method, path) => {
      calls.push(`detector ${method} ${path}`);
      return path === '/run'
        ? { status: 202, body: { started: true, state: 'started', cycle_id: 'c1' } }
        : { status: 200, body: { running: null, cycles_run: 0 } };
    },
  };
  const apps: FastifyInstance[] = [];
  return {
    ch,
    config,
    calls,
    async build(variant, opts) {
      const own = structuredClone(config);
      variant?.(own);
      const { app, routes } = await buildApp({
        config: own,
        clickhouse: ch.client,
        log: pino({ level: 'silent' }),
        webRoot: web,
        adminActions: { seed: spy('seed'), 'dict-load': spy('dict-load') },
        detector: opts?.httpDetector ? undefined : detector,
      });
      apps.push(app);
      return { app, routes };
    },
    async login(app, user) {
      const res = await app.inject({ method: 'POST', url: '/api/login', payload: user });
      expect(res.statusCode, res.body).toBe(200);
      return { cookie: String(res.headers['set-cookie']).split(';')[0], csrf: res.json().csrf as string };
    },
    async close() {
      for (const app of apps) await app.close();
      await ch.close();
    },
  };
}
