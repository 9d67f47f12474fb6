/**
 * The README's first section, done as written on a fresh layout (a temporary directory for
 * ./var, the checkout's code and module sources):
 *   1. `ja4 up` (what `npm start` runs) with its web host: the console's rows and password;
 *   2. a real `curl -k https://127.0.0.1:<port>/` and a real headless Chromium on the same URL;
 *   3. Chromium logs in to the dashboard, and the page of 127.0.0.1 shows both requests with
 *      their JA4 (each JA4's page lists the client that sent it) within 60 s;
 *   4. the status page lists every service as up; the sentinel child is killed and its row turns
 *      red within its heartbeat allowance and the page's refresh, with no reload.
 * UPDATE_DOCS_SCREENSHOTS=1 also writes the README's screenshots (docs/first-run-*.png).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCapture } from '../../appliance/cli/up/capture-rights.js';
import { RUNNING_LINE } from '../../appliance/cli/up/console.js';
import { SILENT_AFTER_MS } from '../../appliance/cli/up/sentinel-heartbeat.js';
import { accepts } from '../../appliance/web-host/index.js';
import { apacheMissing, freePort } from '../helpers/apache.js';
import { chromiumMissing, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.js';
import { type Ja4Up, startJa4Up } from '../helpers/ja4-up.js';
import { buildWeb } from '../helpers/web-build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
/** The status page refreshes every 5 s (pages/Status.tsx); a silent sentinel is down after SILENT_AFTER_MS. */
const RED_WITHIN_MS = SILENT_AFTER_MS + 5000 + 4000;

const missing =
  apacheMissing() ??
  chromiumMissing() ??
  (canCapture() ? null : 'capture on loopback needs root or CAP_NET_RAW (see `ja4 up` output)');
if (missing) console.warn(`skipping the first-run test: ${missing}`);

/** The README's port when it is free here, else any free one (web_host.port). */
async function webHostPort(): Promise<number> {
  return (await accepts(8443)) ? freePort() : 8443;
}

/** The pid of `ja4 up`'s sentinel child, from the process table. */
function sentinelPid(parent: number): number {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => / sentinel --iface /.test(l));
  if (!line) throw new Error(`no sentinel child of ${parent}:\n${out}`);
  return Number(line.trim().split(/\s+/)[0]);
}

describe.skipIf(Boolean(missing))(
  `first run, as the README says${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let dir: string;
    let up: Ja4Up;
    let browser: Browser | undefined;
    let page: Page;
    let port: number;
    let dashboard = '';
    let password = '';
    const shot = (name: string) =>
      page.screenshot({ path: path.join(SCREENSHOT_DIR, `first-run-${name}.png`), fullPage: false });

    beforeAll(async () => {
      const webRoot = await buildWeb();
      dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-first-run-'));
      // Apache's children (www-data when the test runs as root) reach the socket and pages under it.
      chmodSync(dir, 0o755);
      port = await webHostPort();
      up = startJa4Up({
        cwd: dir,
        env: {
          JA4_WEB_HOST_PORT: String(port),
          JA4_DASHBOARD_PORT: String(await freePort()),
          JA4_DASHBOARD_WEB_ROOT: webRoot,
          JA4_DETECTOR_PORT: String(await freePort()),
          JA4_CORRELATOR_METRICS_PORT: '0',
          JA4_SENTINEL_METRICS_PORT: '0',
        },
      });
      await up.waitForLine(new RegExp(`^${RUNNING_LINE.replace(/[.;]/g, '\\$&')}$`), 180_000);
      dashboard = (await up.waitForLine(/^ {2}See it: /, 1000)).split(/\s+/)[3].replace(/#.*$/, '');
      password = (await up.waitForLine(/^ {2}First login: /, 1000)).split(/\s+/)[5];
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1200, height: 760 }, ignoreHTTPSErrors: true });
    }, 240_000);

    afterAll(async () => {
      await browser?.close().catch(() => undefined);
      if (up) await up.stop('SIGTERM', 40_000).catch(() => up.kill());
      // A web host whose parent was killed keeps serving: stop it by its pid file.
      try {
        process.kill(Number(readFileSync(path.join(dir, 'var/web-host/httpd.pid'), 'utf8')), 'SIGKILL');
      } catch {
        // stopped with ja4 up
      }
      if (dir && !process.env.TEST_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('prints every service ready, the first password, and where to send a request', () => {
      const out = up.lines.map((l) => l.line);
      for (const svc of [
        'clickhouse',
        'demo data',
        'correlator',
        'detector',
        'dashboard',
        'sentinel',
        'web host',
      ]) {
        const row = out.find((l) => l.startsWith(`  ${svc.padEnd(11)} `));
        expect(row, out.join('\n')).toMatch(/ ready\b/);
      }
      expect(out.find((l) => l.startsWith('  web host '))).toContain(`https://127.0.0.1:${port}/`);
      expect(out).toContain(
        `  Send a request:  curl -k https://127.0.0.1:${port}/   (or open it in a browser: the certificate is self-signed)`,
      );
      expect(password).toMatch(/^\S{12,}$/);
    });

    it('answers a real curl and a real Chromium over HTTPS', async () => {
      const { stdout } = await run('curl', ['-sk', `https://127.0.0.1:${port}/`]);
      expect(stdout).toContain('<h1>Fingerprinted</h1>');
      await page.goto(`https://127.0.0.1:${port}/`);
      expect(await page.textContent('h1')).toBe('Fingerprinted');
    });

    it("shows both requests with their JA4 on the dashboard's page of 127.0.0.1 within 60 s", async () => {
      await page.goto(dashboard);
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=kpis]');
      const agents = '[data-testid=bars-user-agents] li .bar-label span:first-child';
      // Each JA4 cell links the JA4's own page and, beside it, the search for its JA4_a family
      // ("t13d1516h2_*"): only the first is the fingerprint.
      const ja4s =
        'section:has(h3:text-is("Fingerprints")) tbody tr td:first-child a[href^="#/fingerprint/"]';
      await expect
        .poll(
          async () => {
            await page.goto(`${dashboard}#/ip/127.0.0.1`);
            await page.reload();
            await page.waitForSelector('section:has(h3:text-is("Fingerprints"))', { timeout: 10_000 });
            const uas = await page.locator(agents).allTextContents();
            const fps = await page.locator(ja4s).allTextContents();
            return (
              uas.some((u) => u.startsWith('curl/')) &&
              uas.some((u) => u.includes('HeadlessChrome')) &&
              fps.length >= 2
            );
          },
          { timeout: 60_000, interval: 3000 },
        )
        .toBe(true);
      // The part of the page that answers "where is my request": its clients and their JA4s.
      const top = await page.locator('[data-testid=bars-user-agents]').boundingBox();
      const table = await page.locator('section:has(h3:text-is("Fingerprints"))').boundingBox();
      if (top && table) {
        await page.setViewportSize({ width: 1200, height: Math.ceil(table.y + table.height + 40) });
        await page.screenshot({
          path: path.join(SCREENSHOT_DIR, 'first-run-ip.png'),
          clip: { x: 0, y: top.y - 16, width: 1200, height: table.y + table.height - top.y + 32 },
        });
        await page.setViewportSize({ width: 1200, height: 760 });
      }
      const fps = await page.locator(ja4s).allTextContents();
      expect(
        fps.every((f) => /^[tq]1[23d][di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/.test(f)),
        fps.join(' '),
      ).toBe(true);
      // Each JA4's page lists who sent it: curl on one, Chromium on another.
      const clients: string[] = [];
      for (const ja4 of fps) {
        await page.goto(`${dashboard}#/fingerprint/${encodeURIComponent(ja4)}`);
        await page.waitForSelector(agents);
        clients.push((await page.locator(agents).allTextContents()).join(' | '));
      }
      expect(
        clients.some((c) => c.includes('curl/')),
        clients.join('\n'),
      ).toBe(true);
      expect(
        clients.some((c) => c.includes('HeadlessChrome')),
        clients.join('\n'),
      ).toBe(true);
      expect(
        clients.some((c) => c.includes('curl/') && c.includes('HeadlessChrome')),
        clients.join('\n'),
      ).toBe(false);
    }, 120_000);

    it('lists every service as up on the status page', async () => {
      await page.goto(`${dashboard}#/status`);
      const rows = '[data-testid=status] tbody tr';
      await expect
        .poll(
          async () => {
            const states = await page
              .locator(rows)
              .evaluateAll((trs) =>
                trs.map((tr) => `${tr.getAttribute('data-service')}=${tr.getAttribute('data-state')}`),
              );
            return states.sort().join(' ');
          },
          { timeout: 30_000, interval: 1000 },
        )
        .toMatch(
          /^clickhouse=(ok|idle) correlator=ok dashboard=ok detector=(ok|idle) sentinel=ok web host=ok$/,
        );
      await shot('status');
    }, 60_000);

    it("turns the sentinel's row red once its process is killed, without a reload", async () => {
      const pid = sentinelPid(up.proc.pid as number);
      process.kill(pid, 'SIGKILL');
      const sentinel = '[data-testid=status] tbody tr[data-service=sentinel]';
      await expect
        .poll(() => page.getAttribute(sentinel, 'data-state'), { timeout: RED_WITHIN_MS, interval: 500 })
        .toBe('down');
      expect(await page.textContent(sentinel)).toContain('exited (SIGKILL)');
      expect(await page.textContent('[data-testid=status-summary]')).toBe('Down: sentinel');
      await up.waitForLine(/^ja4 up: the sentinel exited \(SIGKILL\)/, 5000);
      await shot('sentinel-down');
    }, 60_000);

    it('stops everything on Ctrl-C, Apache included', async () => {
      expect(await up.stop('SIGINT', 40_000), up.stderrTail()).toBe(0);
      expect(await accepts(port)).toBe(false);
      if (process.env.UPDATE_DOCS_SCREENSHOTS) {
        for (const name of ['ip', 'status']) {
          copyFileSync(
            path.join(SCREENSHOT_DIR, `first-run-${name}.png`),
            path.join(ROOT, 'docs', `first-run-${name}.png`),
          );
        }
      }
    }, 60_000);
  },
);
