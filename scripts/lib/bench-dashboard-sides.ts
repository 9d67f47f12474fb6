/**
 * The two sides of `npm run bench:dashboard`: this checkout's dashboard and, with --baseline DIR,
 * another checkout's (e.g. the base commit extracted with `git archive`), both built over the same
 * embedded engine and measured round by round in alternating order, so a drift in the load other
 * jobs put on the machine hits both alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Config } from '../../appliance/common/index.js';
import { buildApp } from '../../appliance/dashboard/server/app.js';
import type { BenchRoute } from './bench-dashboard-routes.js';
import { summary } from './bench-dashboard-timing.js';

export const PASSWORD = 'bench-dashboard-pass';

export interface Side {
  name: 'new' | 'base';
  app: FastifyInstance;
  cookie: { name: string; value: string };
  url: string;
  webRoot: string;
  /** The side's own dashboard state directory (users, session key), removed at the end. */
  stateDir: string;
}

type Build = typeof buildApp;

/** Builds the web app of a checkout (its own vite config) into its web/dist. */
export function buildWeb(root: string): string {
  execFileSync('npx', ['vite', 'build', '--config', join(root, 'appliance/dashboard/web/vite.config.ts')], {
    cwd: root,
    stdio: 'ignore',
  });
  return join(root, 'appliance/dashboard/web/dist');
}

/** A side: the checkout's buildApp over `client`, listening on loopback, logged in as admin. */
export async function openSide(
  name: Side['name'],
  root: string,
  config: Config,
  client: ClickHouseClient,
): Promise<Side> {
  const build: Build =
    name === 'new'
      ? buildApp
      : (await import(pathToFileURL(join(root, 'appliance/dashboard/server/app.ts')).href)).buildApp;
  const stateDir = mkdtempSync(join(tmpdir(), `ja4-bench-dash-${name}-`));
  const own = { ...config, dashboard: { ...config.dashboard, state_dir: stateDir } };
  const webRoot = join(root, 'appliance/dashboard/web/dist');
  const { app } = await build({ config: own, clickhouse: client, log: pino({ level: 'warn' }), webRoot });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const login = await app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username: 'admin', password: PASSWORD },
  });
  const sid = login.cookies.find((c) => c.name === 'ja4_session');
  if (login.statusCode !== 200 || !sid)
    throw new Error(`${name}: login failed: ${login.statusCode} ${login.body}`);
  return {
    name,
    app,
    cookie: { name: sid.name, value: sid.value },
    url: `http://127.0.0.1:${port}/`,
    webRoot,
    stateDir,
  };
}

/** One timed call through app.inject(); a non-200 answer stops the benchmark. */
async function timeInject(side: Side, url: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const r = await side.app.inject({
    method: 'GET',
    url,
    headers: { cookie: `${side.cookie.name}=${side.cookie.value}` },
  });
  const ms = performance.now() - t;
  if (r.statusCode !== 200) throw new Error(`${side.name} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return { ms, bytes: r.rawPayload.length };
}

export interface RouteTiming {
  route: string;
  url: string;
  base_url: string | null;
  response_bytes: number;
  new: ReturnType<typeof summary>;
  base: ReturnType<typeof summary> | null;
  goal_p95_ms: number;
  goal_met: boolean;
}

/**
 * Two warm-up calls per route and side, then `rounds` rounds: in each, every route is called once
 * per side, the side order alternating from round to round.
 */
export async function measureRoutes(
  routes: BenchRoute[],
  sides: { fresh: Side; base?: Side },
  rounds: number,
  goalMs: number,
  log: (m: string) => void,
  onRoute: (name: string | undefined) => void,
): Promise<RouteTiming[]> {
  const ms = new Map(routes.map((r) => [r.name, { new: [] as number[], base: [] as number[], bytes: 0 }]));
  const calls = (r: BenchRoute) => [
    { side: sides.fresh, url: r.url, key: 'new' as const },
    ...(sides.base && r.base ? [{ side: sides.base, url: r.base, key: 'base' as const }] : []),
  ];
  for (const r of routes)
    for (const c of calls(r)) for (let i = 0; i < 2; i++) await timeInject(c.side, c.url);
  for (let round = 0; round < rounds; round++) {
    for (const r of routes) {
      const s = ms.get(r.name) as { new: number[]; base: number[]; bytes: number };
      const order = round % 2 === 0 ? calls(r) : calls(r).reverse();
      for (const c of order) {
        onRoute(c.key === 'new' ? r.name : undefined);
        const t = await timeInject(c.side, c.url);
        s[c.key].push(t.ms);
        if (c.key === 'new') s.bytes = t.bytes;
      }
      onRoute(undefined);
    }
    if ((round + 1) % 10 === 0) log(`API round ${round + 1}/${rounds}`);
  }
  return routes.map((r) => {
    const s = ms.get(r.name) as { new: number[]; base: number[]; bytes: number };
    const fresh = summary(s.new);
    return {
      route: r.name,
      url: r.url,
      base_url: sides.base ? r.base : null,
      response_bytes: s.bytes,
      new: fresh,
      base: s.base.length > 0 ? summary(s.base) : null,
      goal_p95_ms: goalMs,
      goal_met: fresh.p95_ms < goalMs,
    };
  });
}
