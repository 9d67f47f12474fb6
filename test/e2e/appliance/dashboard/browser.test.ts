import { join } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHandle, startDashboard } from '../../../../appliance/dashboard/index.js';
import { chromiumMissing, launchChromium, SCREENSHOT_DIR } from '../../../helpers/browser.js';
import { type SeededAppliance, seededAppliance, XSS_IP, XSS_UA } from '../../../helpers/seeded-appliance.js';
import { buildWeb } from '../../../helpers/web-build.js';

const missing = chromiumMissing();
const title = `dashboard in a real browser${missing ? ` (skipped: ${missing})` : ''}`;

describe.skipIf(Boolean(missing))(title, () => {
  let env: SeededAppliance;
  let dash: DashboardHandle;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${name}.png`), fullPage: true });

  beforeAll(async () => {
    const webRoot = await buildWeb();
    env = await seededAppliance('ja4-dash-e2e-');
    dash = await startDashboard({
      webRoot,
      config: env.config,
      clickhouse: env.ch.client,
      log: pino({ level: 'silent' }),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await env?.close();
  });

  it('refuses a wrong password', async () => {
    await page.goto(dash.url);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('wrong user name or password');
    await shot('login-refused');
  });

  it('logs in and draws the overview charts from the seeded data', async () => {
    await page.fill('input[name=password]', 'analyst-test-pass');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=kpis]');
    await page.waitForSelector('[data-testid=timeseries] canvas');
    const requests = await page.textContent('[data-testid=kpis] .kpi:first-child .kpi-value');
    expect(Number(String(requests).replace(/\D/g, ''))).toBeGreaterThan(1000);
    expect(await page.locator('[data-testid=bars-top-ja4] li').count()).toBeGreaterThan(0);
    expect(await page.textContent('footer')).toMatch(/ja4-platform \d+\.\d+\.\d+/);
    await shot('overview');
  });

  it('lists the seeded scanners and brute-forcers on the anomalies page', async () => {
    await page.goto(`${dash.url}#/anomalies`);
    await page.waitForSelector('[data-testid=anomalies] tbody tr td a');
    const ips = await page.locator('[data-testid=anomalies] tbody tr td:first-child a').allTextContents();
    const rs = await env.ch.client.query({
      query:
        "SELECT DISTINCT client_ip FROM ja4_processing.seed_labels WHERE scenario IN ('scanner', 'bruteforce')",
      format: 'JSONEachRow',
    });
    const bad = new Set((await rs.json<{ client_ip: string }>()).map((r) => r.client_ip));
    expect(ips.length).toBeGreaterThan(10);
    expect(ips.filter((ip) => bad.has(ip)).length / ips.length).toBeGreaterThan(0.7);
    await shot('anomalies');
  });

  it('drills into an IP and into a fingerprint', async () => {
    // An address with TLS, so its page links to a fingerprint (plain-HTTP scanners have none).
    const withTls = page.locator('[data-testid=anomalies] tbody tr', {
      has: page.locator('a[href^="#/fingerprint/"]'),
    });
    await withTls.first().locator('td:first-child a').click();
    await page.waitForSelector('text=Score history');
    await shot('ip');
    const ja4Link = page.locator('a[href^="#/fingerprint/"]').first();
    const ja4 = await ja4Link.textContent();
    await ja4Link.click();
    await page.waitForSelector('[data-testid=ja4-decoded]');
    expect(await page.textContent('h2')).toContain(String(ja4));
    expect(await page.textContent('[data-testid=ja4-decoded]')).toMatch(/TLS 1\.[0-3]/);
    await shot('fingerprint');
  });

  it('shows an XSS payload in a user agent as text, never as markup', async () => {
    await page.goto(`${dash.url}#/ip/${XSS_IP}`);
    await page.waitForSelector('[data-testid=requests] tbody tr td.time');
    expect(await page.content()).not.toContain('<img src="x"');
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what an analyst reads.
    expect(await page.locator('body').innerText()).toContain(XSS_UA);
    expect(await page.evaluate(() => (window as unknown as { __ja4xss?: number }).__ja4xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await shot('xss-as-text');
  });

  it('searches and shows the status page', async () => {
    await page.fill('input[aria-label=search]', '185.220.100.0/22');
    await page.press('input[aria-label=search]', 'Enter');
    await page.waitForSelector('text=read as');
    expect(await page.textContent('main')).toContain('cidr');
    await page.goto(`${dash.url}#/status`);
    await page.waitForSelector('[data-testid=status] tbody tr');
    expect(await page.getAttribute('[data-testid=status] tr[data-service=clickhouse]', 'data-state')).toBe(
      'ok',
    );
    expect(await page.textContent('[data-testid=status] tr[data-service=clickhouse]')).toContain(
      'requests stored',
    );
    await shot('status');
  });
});
