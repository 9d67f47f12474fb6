import { join } from 'node:path';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type DashboardHandle, startDashboard } from '../../../../appliance/dashboard/index.js';
import { chromiumMissing, launchChromium, SCREENSHOT_DIR } from '../../../helpers/browser.js';
import { type SeededAppliance, seededAppliance } from '../../../helpers/seeded-appliance.js';
import { buildWeb } from '../../../helpers/web-build.js';

export const PASSWORD = 'analyst-test-pass';
export const DESKTOP = { width: 1400, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Why browser tests skip here, if they must. */
export const missing = chromiumMissing();

/**
 * A seeded appliance (the standard demo seed and one detector cycle), the dashboard over it, and
 * Debian's Chromium: what every browser test of the dashboard drives.
 */
export interface BrowserHarness {
  env: SeededAppliance;
  dash: DashboardHandle;
  browser: Browser;
  /** A fresh, logged-in page of the given size. */
  open(size?: { width: number; height: number }): Promise<Page>;
  shot(page: Page, name: string): Promise<unknown>;
  /** Rows of a SELECT on the seeded engine. */
  query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  close(): Promise<void>;
}

export async function startHarness(prefix: string): Promise<BrowserHarness> {
  // The bundle the tests build (test-output/web-dist), never one a user's `ja4 up` serves.
  const webRoot = await buildWeb();
  const env = await seededAppliance(prefix);
  const dash = await startDashboard({
    webRoot,
    config: env.config,
    clickhouse: env.ch.client,
    log: pino({ level: 'silent' }),
  });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    env,
    dash,
    browser,
    async open(size = DESKTOP) {
      // A phone-sized page is a touch screen, as a phone is (taps, not clicks).
      const phone = size.width < 600;
      const context = await browser.newContext({ viewport: size, hasTouch: phone, isMobile: phone });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(dash.url);
      await login(page);
      return page;
    },
    shot: (page, name) =>
      page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${name}.png`), fullPage: true }),
    async query<T>(sql: string, params: Record<string, unknown> = {}) {
      const rs = await env.ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return rs.json<T>();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await dash?.close();
      await env?.close();
    },
  };
}

/** Logs in on the login page the app shows (the URL, and so the page asked for, stays). */
export async function login(page: Page): Promise<void> {
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('header nav');
}

/** Goes to a hash route and waits for a selector. */
export async function visit(page: Page, url: string, hash: string, selector: string): Promise<void> {
  await page.goto(`${url}${hash}`);
  await page.waitForSelector(selector);
  // A table whose data has not arrived shows a loading row, which `tbody tr` also matches.
  await page.waitForFunction(() => !document.querySelector('[data-loading]'));
}

/** The numbers in a text ("showing 1–50 of 1,234 IPs" → [1, 50, 1234]). */
export function numbers(text: string | null): number[] {
  return [...String(text).matchAll(/\d[\d,]*(\.\d+)?/g)].map((m) => Number(m[0].replaceAll(',', '')));
}

export function expectNoPageScroll(width: number, scrollWidth: number, what: string): void {
  expect(scrollWidth, `${what}: page is ${scrollWidth}px wide on a ${width}px screen`).toBeLessThanOrEqual(
    width,
  );
}
