import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, DESKTOP, missing, numbers, PHONE, startHarness, visit } from './harness.js';

const title = `dashboard charts, numbers and times${missing ? ` (skipped: ${missing})` : ''}`;

// Each test drives a real browser over a real engine: on a busy machine a minute is not always enough.
describe.skipIf(Boolean(missing))(title, { timeout: 180_000 }, () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness('ja4-dash-charts-');
  }, 300_000);
  afterAll(async () => h?.close());

  it('draws an IP timeline over the page range with empty buckets as zeros, even for one burst', async () => {
    // A seeded scanner whose whole day fits in one 15-minute bucket.
    const [burst] = await h.query<{ ip: string }>(
      `SELECT client_ip AS ip FROM ja4_processing.http_logs
       WHERE client_ip IN (SELECT client_ip FROM ja4_processing.seed_labels WHERE scenario = 'scanner')
       GROUP BY ip HAVING uniqExact(toStartOfInterval(ts, INTERVAL 15 MINUTE)) = 1 LIMIT 1`,
    );
    expect(burst, 'a scanner seen in one 15-minute bucket').toBeDefined();
    const page = await h.open();
    await visit(page, h.dash.url, `#/ip/${burst.ip}?range=24h`, '[data-testid=timeseries][data-x-min]');
    const chart = page.locator('[data-testid=timeseries]').first();
    const min = Number(await chart.getAttribute('data-x-min'));
    const max = Number(await chart.getAttribute('data-x-max'));
    const now = Date.now() / 1000;
    // The axis is the page's 24 hours, not a span around one point.
    expect(max - min).toBeGreaterThan(86_400 - 3600);
    expect(max - min).toBeLessThan(86_400 + 3600);
    expect(Math.abs(max - now)).toBeLessThan(3600);
    // Every 15-minute bucket of the day is a point: quiet ones are zeros, not interpolated over.
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(96);
    await h.shot(page, 'ip-one-burst');
  });

  it('never wraps a number and wraps headers only between words, on a phone', async () => {
    const page = await h.open(PHONE);
    for (const hash of ['#/anomalies?range=24h', '#/status']) {
      await visit(page, h.dash.url, hash, 'table tbody tr td');
      const broken = await page.evaluate(() => {
        // The distinct line tops of the element's text (each text node measured on its own).
        const lines = (el: Element) => {
          const tops = new Set<number>();
          const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            if (!n.textContent?.trim()) continue;
            const r = document.createRange();
            r.selectNodeContents(n);
            for (const x of r.getClientRects()) tops.add(Math.round(x.top));
          }
          return tops.size;
        };
        const out: string[] = [];
        for (const td of document.querySelectorAll('td.num'))
          if (lines(td) > 1) out.push(`number ${td.textContent}`);
        for (const th of document.querySelectorAll('th')) {
          const words = (th.textContent ?? '').trim().split(/\s+/).filter(Boolean).length;
          if (words > 0 && lines(th) > words) out.push(`header ${th.textContent}`);
        }
        return out;
      });
      expect(broken, hash).toEqual([]);
    }
    await h.shot(page, 'phone-numbers');
  });

  it('wraps a JA4 only between its parts, and keeps it whole to copy, at desktop and phone sizes', async () => {
    for (const size of [DESKTOP, PHONE]) {
      const page = await h.open(size);
      await visit(page, h.dash.url, '#/anomalies?range=24h', '[data-testid=anomalies] tbody .ja4 a.mono');
      const bad = await page.evaluate(() => {
        const out: string[] = [];
        for (const a of document.querySelectorAll('[data-testid=anomalies] .ja4 a.mono:first-child')) {
          const text = a.textContent ?? '';
          const tops = new Set<number>();
          const r = document.createRange();
          r.selectNodeContents(a);
          for (const x of r.getClientRects()) tops.add(Math.round(x.top));
          // a_b_c: at most one line a part.
          if (tops.size > text.split('_').length) out.push(`${text} on ${tops.size} lines`);
          if (!/^[a-z0-9_]+$/.test(text)) out.push(`${JSON.stringify(text)} is not the JA4 as written`);
        }
        return out;
      });
      expect(bad, `${size.width} px`).toEqual([]);
      await page.close();
    }
  });

  it('fits the anomalies table in a desktop window, its state menus included', async () => {
    const page = await h.open(DESKTOP);
    await visit(page, h.dash.url, '#/anomalies?range=24h', '[data-testid=anomalies] tbody tr');
    const widths = await page.evaluate(() => {
      const table = document.querySelector('[data-testid=anomalies]') as HTMLElement;
      const wrap = table.closest('.table-wrap') as HTMLElement;
      return { table: Math.round(table.getBoundingClientRect().width), wrap: Math.round(wrap.clientWidth) };
    });
    expect(widths.table).toBeLessThanOrEqual(widths.wrap);
    await h.shot(page, 'anomalies-desktop');
    await page.close();
  });

  it('shows times in one labelled zone (UTC by default) and hour buckets as ranges', async () => {
    const context = await h.browser.newContext({
      viewport: { width: 1400, height: 900 },
      timezoneId: 'Asia/Tokyo',
    });
    const page = await context.newPage();
    await page.goto(`${h.dash.url}#/anomalies?range=24h`);
    const { login } = await import('./harness.js');
    await login(page);
    await page.waitForSelector('[data-testid=anomalies] tbody tr td.time');
    const cell = String(await page.locator('[data-testid=anomalies] tbody tr td.time').first().textContent());
    // An hour is shown as the range it covers, in UTC while the browser is in Tokyo; an hour
    // that ends at midnight names the day it ends on.
    const m = /(\d{4}-\d\d-\d\d) (\d\d):00–(?:(\d{4}-\d\d-\d\d) )?(\d\d):00/.exec(cell);
    expect(m, cell).not.toBeNull();
    expect(await page.locator('header select[aria-label="time zone"]').inputValue()).toBe('utc');
    const utcHour = Number(m?.[2]);
    expect(Number(m?.[4]), cell).toBe((utcHour + 1) % 24);
    expect(m?.[3] !== undefined, cell).toBe(utcHour === 23);
    await page.selectOption('header select[aria-label="time zone"]', 'local');
    const local = String(
      await page.locator('[data-testid=anomalies] tbody tr td.time').first().textContent(),
    );
    expect(Number(/ (\d\d):00–/.exec(local)?.[1])).toBe((utcHour + 9) % 24);
    await visit(page, h.dash.url, '#/overview?range=24h', '[data-testid=timeseries] canvas');
    expect(await page.textContent('figcaption')).toContain('Asia/Tokyo');
    await context.close();
  });

  it('sorts addresses by number, says "1 source IP", and paints only what is wrong', async () => {
    const page = await h.open();
    await visit(
      page,
      h.dash.url,
      '#/anomalies?range=24h&sort=src_ip&order=asc',
      '[data-testid=anomalies] tbody tr td a',
    );
    const ips = await page.locator('[data-testid=anomalies] tbody tr td:first-child a').allTextContents();
    const key = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const v4 = ips.filter((ip) => !ip.includes(':'));
    expect(v4.length).toBeGreaterThan(5);
    expect(v4.map(key)).toEqual([...v4.map(key)].sort((a, b) => a - b));

    await visit(page, h.dash.url, '#/overview?range=24h', '[data-testid=bars-top-ja4] li');
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what an analyst reads.
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\b1 source IPs\b/);
    expect(text).not.toMatch(/\b1 IPs\b/);

    // A scored address the detector did not flag: its highest score is shown, and its zero
    // days flagged are not painted as bad.
    const [calm] = await h.query<{ ip: string; s: number }>(
      `SELECT src_ip AS ip, max(score) AS s FROM ja4_processing.ml_all_scores
       WHERE src_ip NOT IN (SELECT src_ip FROM ja4_processing.ml_detected_anomalies)
       GROUP BY ip ORDER BY s DESC LIMIT 1`,
    );
    await visit(page, h.dash.url, `#/ip/${calm.ip}?range=24h`, '.kpis');
    const kpis = await page.locator('.kpi').allInnerTexts();
    const highest = kpis.find((k) => k.includes('highest score')) ?? '';
    expect(numbers(highest)[0]).toBeCloseTo(calm.s, 3);
    const days = page.locator('.kpi', { hasText: 'days flagged' });
    expect(await days.getAttribute('class')).not.toContain('bad');
    await h.shot(page, 'ip-calm');
  });
});
