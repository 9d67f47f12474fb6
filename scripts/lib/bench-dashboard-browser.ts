/**
 * The dashboard benchmark's client side: the app's first load in Debian's Chromium (driven by
 * playwright-core, never a downloaded browser) and the size of the built bundle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface FirstLoad {
  loads_ms: number[];
  median_ms: number;
  /** Navigation start → DOMContentLoaded, from the page's own Navigation Timing entry. */
  dom_content_loaded_ms: number[];
  note: string;
}

/**
 * `loads` cold loads, each in a fresh browser context (empty cache) holding the session cookie
 * obtained through the API: time from page.goto() to the overview's time-series canvas and KPIs
 * being in the DOM (uPlot creates its canvas when it draws the data it was given).
 */
export async function measureFirstLoad(
  baseUrl: string,
  cookie: { name: string; value: string },
  loads: number,
): Promise<FirstLoad> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const loadsMs: number[] = [];
  const dcl: number[] = [];
  try {
    const url = new URL(baseUrl);
    // One warm-up load: the first launch of a context pays for process start-up, not the app.
    for (let i = 0; i <= loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.addCookies([{ ...cookie, domain: url.hostname, path: '/' }]);
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(baseUrl);
      try {
        await page.waitForSelector('[data-testid=timeseries] canvas', { timeout: 60_000 });
        await page.waitForSelector('[data-testid=kpis]', { timeout: 60_000 });
      } catch (err) {
        const shot = join(tmpdir(), `ja4-bench-dashboard-load-${i}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        throw new Error(`${(err as Error).message.split('\n')[0]} (screenshot ${shot})`);
      }
      const ms = performance.now() - t0;
      const nav = await page.evaluate(() => {
        const e = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return e ? e.domContentLoadedEventEnd : 0;
      });
      if (i > 0) {
        loadsMs.push(Math.round(ms));
        dcl.push(Math.round(nav));
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const sorted = [...loadsMs].sort((a, b) => a - b);
  return {
    loads_ms: loadsMs,
    median_ms: sorted[Math.floor(sorted.length / 2)],
    dom_content_loaded_ms: dcl,
    note: 'fresh context (cold cache) per load, session cookie from POST /api/login; page.goto → [data-testid=timeseries] canvas and KPIs present; 1 warm-up load not counted',
  };
}

export interface BundleSize {
  files: { file: string; raw_bytes: number; gzip_bytes: number }[];
  total_raw_bytes: number;
  total_gzip_bytes: number;
}

/** Raw and gzip (level 9, what a static server would precompress) size of every file in dist. */
export function bundleSize(dist: string): BundleSize {
  const files: BundleSize['files'] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const buf = readFileSync(p);
        files.push({
          file: relative(dist, p),
          raw_bytes: buf.length,
          gzip_bytes: gzipSync(buf, { level: 9 }).length,
        });
      }
    }
  };
  walk(dist);
  files.sort((a, b) => b.raw_bytes - a.raw_bytes);
  return {
    files,
    total_raw_bytes: files.reduce((n, f) => n + f.raw_bytes, 0),
    total_gzip_bytes: files.reduce((n, f) => n + f.gzip_bytes, 0),
  };
}
