import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHandle, startDashboard } from '../../../../appliance/dashboard/index.js';
import { type DetectorHandle, startDetector } from '../../../../appliance/detector/index.js';
import { launchChromium } from '../../../helpers/browser.js';
import { type SeededAppliance, seededAppliance } from '../../../helpers/seeded-appliance.js';
import { buildWeb } from '../../../helpers/web-build.js';
import { login, missing, visit } from './harness.js';

const title = `dashboard triage loop, end to end${missing ? ` (skipped: ${missing})` : ''}`;
const TOKEN = 'triage-test-detector-token-0123456789abcdef';

/**
 * flag → mark false positive → allow-list → the next detector cycle does not flag it → the
 * blocklist no longer lists it; the audit trail shows each step. The cycle is the real one, run
 * through the dashboard's detector proxy by an admin on the Status page.
 */
// Each test drives a real browser over a real engine: on a busy machine a minute is not always enough.
describe.skipIf(Boolean(missing))(title, { timeout: 180_000 }, () => {
  let env: SeededAppliance;
  let detector: DetectorHandle;
  let dash: DashboardHandle;
  let browser: Browser;
  let page: Page;
  let ip = '';

  beforeAll(async () => {
    const webRoot = await buildWeb();
    env = await seededAppliance('ja4-dash-triage-');
    const config = {
      ...env.config,
      detector: { ...env.config.detector, host: '127.0.0.1', port: 0, api_token: TOKEN },
    };
    detector = await startDetector({
      config,
      client: env.ch.client,
      log: pino({ level: 'silent' }),
      schedule: false,
    });
    dash = await startDashboard({
      webRoot,
      config: { ...config, dashboard: { ...config.dashboard, detector_url: String(detector.address) } },
      clickhouse: env.ch.client,
      log: pino({ level: 'silent' }),
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${dash.url}#/anomalies?range=24h`);
    await login(page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await detector?.close();
    await env?.close();
  });

  const blocklist = async () =>
    (await (await page.request.get(`${dash.url}api/blocklist?range=24h&format=plain`)).text()).split('\n');
  const flaggedNow = async (addr: string) => {
    const rs = await env.ch.client.query({
      query: `SELECT count() AS n FROM ja4_processing.ml_detected_anomalies
              WHERE src_ip = {ip:String} AND detected_at = (SELECT max(detected_at) FROM ja4_processing.ml_detected_anomalies)`,
      query_params: { ip: addr },
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ n: string }>())[0].n);
  };

  it('marks a flagged address a false positive and allow-lists it, from its row', async () => {
    await page.waitForSelector('[data-testid=anomalies] tbody tr td:first-child a');
    ip = String(
      await page.locator('[data-testid=anomalies] tbody tr td:first-child a').first().textContent(),
    );
    expect(await blocklist()).toContain(ip);
    const rows = page.locator('[data-testid=anomalies] tbody tr');
    const row = rows.filter({ has: page.getByRole('link', { name: ip, exact: true }) });
    const notice = page.locator('[data-testid=decision-notice]');
    await row.locator('summary.state').click();
    await row.locator('input[aria-label=note]').fill('our uptime monitor');
    await row.locator('button:has-text("False positive")').click();
    await expect.poll(() => notice.textContent()).toBe(`${ip} false positive: done`);
    await row.locator('button:has-text("Allow-list IP")').click();
    // The reload drops the allow-listed row, and its own confirmation with it: the page says it.
    await expect.poll(() => notice.textContent()).toBe(`${ip} allow-listed: done`);
    await expect.poll(() => row.count()).toBe(0);
    expect(await rows.count()).toBeGreaterThan(0);
  });

  it('leaves the address out of every blocklist and export once allow-listed', async () => {
    expect(await blocklist()).not.toContain(ip);
    const csv = await (await page.request.get(`${dash.url}api/anomalies/export?range=24h&format=csv`)).text();
    expect(csv).not.toContain(`"${ip}"`);
  });

  it('runs the next detector cycle through the dashboard', async () => {
    await visit(page, dash.url, '#/status', '[data-testid=run-detector]');
    await page.click('[data-testid=run-detector]');
    await expect
      .poll(
        async () => {
          const s = await (await page.request.get(`${dash.url}api/detector/status`)).json();
          return s.running === null && s.cycles_run >= 1;
        },
        { timeout: 240_000, interval: 1000 },
      )
      .toBe(true);
    expect(await blocklist()).not.toContain(ip);
  }, 300_000);

  // Needs the detector to honour the allow list (its side of the triage loop).
  it('is not flagged by that next cycle', async () => {
    expect(await flaggedNow(ip)).toBe(0);
  });

  it('shows each step in the audit trail', async () => {
    await visit(page, dash.url, '#/lists', '[data-testid=audit] tbody tr');
    await expect.poll(() => page.locator('[data-testid=audit] tbody').textContent()).toContain(ip);
    const trail = await page.locator('[data-testid=audit] tbody').textContent();
    expect(trail).toContain('label false positive');
    expect(trail).toContain('allow list add');
    expect(trail).toContain(ip);
    expect(trail).toContain('our uptime monitor');
    await expect.poll(() => page.locator('[data-testid=lists] tbody').textContent()).toContain(ip);
  });
});
