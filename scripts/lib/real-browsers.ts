import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createRng } from '../../appliance/common/prng.js';
import { pagePaths } from './real-site.js';

/**
 * Real browsers for the real-client benchmark, each visit from its own client address (sent as
 * X-Forwarded-For, which mod_remoteip trusts from loopback): Debian's Chromium driven by
 * playwright-core (CDP), and Debian's Firefox ESR driven over WebDriver BiDi (playwright needs its
 * own patched Firefox), which adds the header to every request through a network intercept. A
 * visit is 4–6 page views with a reading pause of 2–6 s between them; the browser loads each
 * page's subresources itself.
 */
export interface Visit {
  ip: string;
  seed: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pages of one visit and the pauses before each, drawn from the visit's seed. */
export function visitPlan(seed: string): { path: string; pauseMs: number }[] {
  const rng = createRng(seed, 'visit');
  const pages = pagePaths();
  const n = rng.int(4, 6);
  return Array.from({ length: n }, (_, i) => ({
    path: i === 0 ? '/' : pages[rng.int(1, pages.length - 1)],
    pauseMs: i === 0 ? 0 : rng.int(2_000, 6_000),
  }));
}

export async function chromiumVisits(base: string, visits: readonly Visit[]): Promise<number> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  // Headless Chromium says so in its UA ("HeadlessChrome"); a person's Chromium says "Chrome".
  const probe = await browser.newPage();
  const userAgent = (await probe.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome');
  await probe.close();
  let pages = 0;
  try {
    for (const v of visits) {
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        userAgent,
        extraHTTPHeaders: { 'X-Forwarded-For': v.ip },
      });
      const page = await context.newPage();
      for (const step of visitPlan(v.seed)) {
        await sleep(step.pauseMs);
        await page.goto(`${base}${step.path}`, { waitUntil: 'load', timeout: 20_000 }).catch(() => undefined);
        pages++;
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return pages;
}

type Json = Record<string, unknown>;

/** A minimal WebDriver BiDi session over the WebSocket Firefox serves with --remote-debugging-port. */
class Bidi {
  private next = 1;
  private pending = new Map<number, (m: Json) => void>();
  private handlers: ((m: Json) => void)[] = [];
  constructor(private ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      const m = JSON.parse(String((e as MessageEvent).data)) as Json;
      const id = m.id as number | undefined;
      if (id !== undefined && this.pending.has(id)) {
        this.pending.get(id)?.(m);
        this.pending.delete(id);
      } else for (const h of this.handlers) h(m);
    });
  }
  send(method: string, params: Json = {}): Promise<Json> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) =>
      this.pending.set(id, (m) =>
        m.type === 'error' ? reject(new Error(`${method}: ${String(m.message)}`)) : resolve(m.result as Json),
      ),
    );
  }
  on(h: (m: Json) => void): void {
    this.handlers.push(h);
  }
}

async function webSocketClass(): Promise<typeof WebSocket> {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  // Node 20 has no global WebSocket without a flag: playwright-core bundles `ws`.
  const bundle = createRequire(import.meta.url)('playwright-core/lib/utilsBundle') as {
    ws: typeof WebSocket;
  };
  return bundle.ws;
}

async function startFirefox(port: number): Promise<{ proc: ChildProcess; profile: string; bidi: Bidi }> {
  const profile = mkdtempSync(join(tmpdir(), 'ja4-firefox-'));
  writeFileSync(
    join(profile, 'user.js'),
    [
      'user_pref("browser.shell.checkDefaultBrowser", false);',
      'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
      'user_pref("app.update.enabled", false);',
      'user_pref("network.http.http3.enable", false);',
      'user_pref("browser.aboutwelcome.enabled", false);',
    ].join('\n'),
  );
  const proc = spawn(
    'firefox-esr',
    ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${port}`],
    {
      stdio: 'ignore',
    },
  );
  const WS = await webSocketClass();
  for (let i = 0; i < 100; i++) {
    try {
      const ws = new WS(`ws://127.0.0.1:${port}/session`);
      await new Promise<void>((resolve, reject) => {
        ws.addEventListener('open', () => resolve());
        ws.addEventListener('error', () => reject(new Error('not yet')));
      });
      return { proc, profile, bidi: new Bidi(ws) };
    } catch {
      await sleep(200);
    }
  }
  proc.kill('SIGKILL');
  throw new Error('firefox-esr did not open its WebDriver BiDi port');
}

export async function firefoxVisits(base: string, visits: readonly Visit[], port: number): Promise<number> {
  const { proc, profile, bidi } = await startFirefox(port);
  let ip = '';
  let pages = 0;
  try {
    await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } });
    await bidi.send('network.addIntercept', { phases: ['beforeRequestSent'] });
    await bidi.send('session.subscribe', { events: ['network.beforeRequestSent'] });
    bidi.on((m) => {
      const p = m.params as
        | { isBlocked?: boolean; request?: { request: string; headers: Json[] } }
        | undefined;
      if (m.method !== 'network.beforeRequestSent' || !p?.isBlocked || !p.request) return;
      const headers = [
        ...p.request.headers,
        { name: 'X-Forwarded-For', value: { type: 'string', value: ip } },
      ];
      void bidi
        .send('network.continueRequest', { request: p.request.request, headers })
        .catch(() => undefined);
    });
    const tree = (await bidi.send('browsingContext.getTree', {})) as { contexts: { context: string }[] };
    const context = tree.contexts[0].context;
    for (const v of visits) {
      ip = v.ip;
      for (const step of visitPlan(v.seed)) {
        await sleep(step.pauseMs);
        await bidi
          .send('browsingContext.navigate', { context, url: `${base}${step.path}`, wait: 'complete' })
          .catch(() => undefined);
        pages++;
      }
    }
  } finally {
    proc.kill('SIGTERM');
    await sleep(500);
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  }
  return pages;
}

interface ImpersonatingSession {
  fetch(url: string, init: { headers: Record<string, string> }): Promise<{ text(): Promise<string> }>;
  close(): Promise<void>;
}
type CreateSession = (opts: {
  browser: string;
  os: string;
  insecure: boolean;
}) => Promise<ImpersonatingSession>;

/**
 * wreq-js, loaded only when installed: it declares platform binaries the registry does not
 * publish, so a lock that lists it cannot satisfy `npm ci` and it stays out of package.json.
 * `npm install --no-save wreq-js` brings it in for a benchmark run.
 */
export async function loadImpersonator(): Promise<CreateSession | undefined> {
  const name = 'wreq-js';
  try {
    const mod = (await import(name)) as { createSession: CreateSession };
    return mod.createSession;
  } catch {
    return undefined;
  }
}

/**
 * A TLS-impersonating scraper: wreq-js sends Chrome's ClientHello and HTTP/2 settings with a Chrome
 * User-Agent, and fetches product pages one after another without their subresources.
 */
export async function impersonatorVisit(
  createSession: CreateSession,
  base: string,
  ip: string,
  pages: number,
): Promise<number> {
  const session = await createSession({ browser: 'chrome_149', os: 'windows', insecure: true });
  let n = 0;
  try {
    for (let i = 0; i < pages; i++) {
      const path = i === 0 ? '/' : `/products/${(i % 12) + 1}.html`;
      await session
        .fetch(`${base}${path}`, { headers: { 'X-Forwarded-For': ip } })
        .then((r) => r.text())
        .catch(() => undefined);
      n++;
      await sleep(300);
    }
  } finally {
    await session.close();
  }
  return n;
}
