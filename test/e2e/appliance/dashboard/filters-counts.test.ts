import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, missing, numbers, startHarness, visit } from './harness.js';

const title = `dashboard reasons, counts, filters and paging${missing ? ` (skipped: ${missing})` : ''}`;

const TABLE_IPS = '[data-testid=anomalies] tbody tr td:first-child a';

/** The addresses the API lists for a filter (first page of 200). */
async function apiIps(page: Page, url: string, query: string): Promise<string[]> {
  const res = await page.request.get(`${url}api/anomalies?${query}&page_size=200`);
  return ((await res.json()).rows as { src_ip: string }[]).map((r) => r.src_ip);
}

// Each test drives a real browser over a real engine: on a busy machine a minute is not always enough.
describe.skipIf(Boolean(missing))(title, { timeout: 180_000 }, () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness('ja4-dash-filters-');
  }, 300_000);
  afterAll(async () => h?.close());

  it('keeps a reason whole when its words contain "; " and says "no TLS" for rows without TLS', async () => {
    const page = await h.open();
    const [split] = await h.query<{ ip: string }>(
      `SELECT src_ip AS ip FROM ja4_processing.ml_detected_anomalies WHERE position(reason, '(4xx; ') > 0 LIMIT 1`,
    );
    expect(split, 'a flagged row whose reason contains "(4xx; "').toBeDefined();
    await visit(page, h.dash.url, `#/anomalies?range=24h&q=${split.ip}&bots=include`, TABLE_IPS);
    const items = await page.locator('ul.reasons li').allTextContents();
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item).not.toMatch(/\(4xx$/);
      expect(item).not.toMatch(/^typical human/);
    }
    const [plain] = await h.query<{ ip: string }>(
      `SELECT src_ip AS ip FROM ja4_processing.ml_detected_anomalies GROUP BY ip HAVING max(ja4) = '' LIMIT 1`,
    );
    expect(plain, 'a flagged address without TLS').toBeDefined();
    await visit(page, h.dash.url, `#/anomalies?range=24h&q=${plain.ip}&bots=include`, TABLE_IPS);
    // A link to the same page with another filter: the page follows it (its filter box once wrote
    // the previous filter back into the URL). The table shows the previous rows until the new
    // answer arrives, and the filter matches addresses containing the typed text (193.32.1.25
    // also finds 193.32.1.251): wait for the row whose address is exactly this one.
    const row = page.locator('[data-testid=anomalies] tbody tr').filter({
      has: page.locator('td:first-child', { hasText: new RegExp(`^${plain.ip.replace(/\./g, '\\.')}$`) }),
    });
    await row.waitFor();
    expect(await row.textContent()).toContain('no TLS');
  });

  it('counts anomalous IPs the same way on the overview and the anomalies page, and says how', async () => {
    const page = await h.open();
    await visit(page, h.dash.url, '#/overview?range=24h', '[data-testid=kpi-anomalous]');
    const kpi = numbers(await page.textContent('[data-testid=kpi-anomalous] .kpi-value'))[0];
    expect(await page.textContent('[data-testid=kpi-anomalous]')).toContain('known bots excluded');
    await page.click('[data-testid=kpi-anomalous]');
    await page.waitForSelector(TABLE_IPS);
    const showing = numbers(await page.textContent('[data-testid=pager] .showing'));
    expect(showing.at(-1)).toBe(kpi);
    expect(await page.textContent('[data-testid=definition]')).toContain('known bots excluded');
    await page.check('input[aria-label="include known bots"]');
    await expect
      .poll(async () => page.textContent('[data-testid=definition]'))
      .toContain('known bots included');
    await expect
      .poll(async () => numbers(await page.textContent('[data-testid=pager] .showing')).at(-1))
      .toBeGreaterThan(kpi);
  });

  it('debounces the filter, drops stale answers and exports exactly the shown set', async () => {
    const page = await h.open();
    await visit(page, h.dash.url, '#/anomalies?range=24h', TABLE_IPS);
    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/anomalies?') && r.url().includes('q=')) calls.push(r.url());
    });
    // An early, short filter answers slowly; the later, longer one quickly.
    await page.route(/\/api\/anomalies\?.*q=193&/, async (route) => {
      await new Promise((r) => setTimeout(r, 2500));
      await route.continue().catch(() => undefined);
    });
    const box = page.locator('input[aria-label=filter]');
    await box.pressSequentially('193', { delay: 30 });
    await page.waitForTimeout(500);
    await box.pressSequentially('.32.11', { delay: 30 });
    await page.waitForTimeout(3500);
    expect(calls.length, calls.join('\n')).toBeLessThanOrEqual(2);
    const shown = await page.locator(TABLE_IPS).allTextContents();
    const want = await apiIps(page, h.dash.url, 'range=24h&q=193.32.11');
    expect(await box.inputValue()).toBe('193.32.11');
    expect(shown).toEqual(want.slice(0, 50));
    // The exports carry exactly the table's filter.
    const csvHref = String(
      await page.locator('[data-testid=downloads] a', { hasText: 'CSV' }).getAttribute('href'),
    );
    expect(new URLSearchParams(csvHref.split('?')[1]).get('q')).toBe('193.32.11');
    const csv = await (await page.request.get(`${h.dash.url}${csvHref.replace(/^\//, '')}`)).text();
    const csvIps = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0].replaceAll('"', ''));
    expect(csvIps.sort()).toEqual([...want].sort());
    const nginxHref = String(
      await page.locator('[data-testid=downloads] a', { hasText: 'nginx' }).getAttribute('href'),
    );
    const nginx = await (await page.request.get(`${h.dash.url}${nginxHref.replace(/^\//, '')}`)).text();
    const denied = nginx.split('\n').filter((l) => l.startsWith('deny '));
    expect(denied.length).toBe(csvIps.length);
  });

  it('says "loading" until a slow page answers, never "nothing to show" or "showing 0 of 0"', async () => {
    const [busy] = await h.query<{ ja4: string; ips: number }>(
      `SELECT ja4, uniqExact(client_ip) AS ips FROM ja4_processing.http_logs WHERE ja4 != ''
       GROUP BY ja4 ORDER BY ips DESC LIMIT 1`,
    );
    const page = await h.open();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/fingerprints/*/ips?*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${h.dash.url}#/fingerprint/${busy.ja4}?range=7d`);
    await page.waitForSelector('[data-testid=fingerprint-ips] tbody tr');
    const pending = {
      rows: await page.locator('[data-testid=fingerprint-ips] tbody').textContent(),
      pager: await page.locator('[data-testid=pager] .showing').textContent(),
    };
    release();
    expect(pending.rows).toContain('loading');
    expect(pending.rows).not.toContain('nothing to show');
    expect(pending.pager).toContain('loading');
    expect(pending.pager).not.toMatch(/showing 0 of 0/);
    await expect
      .poll(async () => numbers(await page.textContent('[data-testid=pager] .showing')))
      .toEqual([1, Math.min(50, Number(busy.ips)), Number(busy.ips)]);
  });

  it('says "about" before a total that is an estimate, and only then', async () => {
    const [busy] = await h.query<{ ja4: string }>(
      `SELECT ja4 FROM ja4_processing.http_logs WHERE ja4 != '' GROUP BY ja4 ORDER BY uniqExact(client_ip) DESC LIMIT 1`,
    );
    const page = await h.open();
    const url = `${h.dash.url}#/fingerprint/${busy.ja4}?range=7d`;
    await visit(
      page,
      h.dash.url,
      `#/fingerprint/${busy.ja4}?range=7d`,
      '[data-testid=fingerprint-ips] tbody tr',
    );
    const exact = await page.textContent('[data-testid=pager] .showing');
    expect(exact).toMatch(/ of \d/);
    // The same page as the API answers a JA4 with more addresses than it counts exactly.
    await page.route('**/api/fingerprints/*/ips?*', async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        json: { ...(await res.json()), total: 589_090, total_estimated: true },
      });
    });
    await page.goto('about:blank');
    await page.goto(url);
    await expect
      .poll(async () => page.textContent('[data-testid=pager] .showing'))
      .toMatch(/ of about 589,090 /);
  });

  it('says "showing N of M" and pages the fingerprint addresses and an address requests', async () => {
    const [busy] = await h.query<{ ja4: string; ips: number }>(
      `SELECT ja4, uniqExact(client_ip) AS ips FROM ja4_processing.http_logs WHERE ja4 != ''
       GROUP BY ja4 ORDER BY ips DESC LIMIT 1`,
    );
    const page = await h.open();
    await visit(
      page,
      h.dash.url,
      `#/fingerprint/${busy.ja4}?range=7d`,
      '[data-testid=fingerprint-ips] tbody tr',
    );
    const first = numbers(await page.textContent('[data-testid=pager] .showing'));
    expect(first).toEqual([1, 50, Number(busy.ips)]);
    await page.click('[data-testid=pager] button:has-text("next")');
    await expect
      .poll(async () => numbers(await page.textContent('[data-testid=pager] .showing'))[0])
      .toBe(51);

    const to = Math.floor(Date.now() / 1000);
    const from = to - 86_400;
    const [chatty] = await h.query<{ ip: string; n: number }>(
      `SELECT client_ip AS ip, count() AS n FROM ja4_processing.http_logs
       WHERE ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)
       GROUP BY ip ORDER BY n DESC LIMIT 1`,
      { from, to },
    );
    await visit(
      page,
      h.dash.url,
      `#/ip/${chatty.ip}?from=${from}&to=${to}`,
      '[data-testid=requests] tbody tr td.time',
    );
    const n = Number(chatty.n);
    await expect
      .poll(async () => numbers(await page.textContent('[data-testid=requests-pager] .showing')))
      .toEqual([1, Math.min(n, 50), n]);
    expect(await page.locator('[data-testid=requests] tbody tr').count()).toBe(Math.min(n, 50));
  });
});
