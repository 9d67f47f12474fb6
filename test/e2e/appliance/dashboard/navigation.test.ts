import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserHarness,
  expectNoPageScroll,
  login,
  missing,
  numbers,
  PHONE,
  startHarness,
  visit,
} from './harness.js';

const title = `dashboard navigation, phone layout, search and shared state${missing ? ` (skipped: ${missing})` : ''}`;
const TABLE_IPS = '[data-testid=anomalies] tbody tr td:first-child a';

// Each test drives a real browser over a real engine: on a busy machine a minute is not always enough.
describe.skipIf(Boolean(missing))(title, { timeout: 180_000 }, () => {
  let h: BrowserHarness;
  let someIp = '';
  let someJa4 = '';
  beforeAll(async () => {
    h = await startHarness('ja4-dash-nav-');
    const [row] = await h.query<{ ip: string; ja4: string }>(
      "SELECT src_ip AS ip, ja4 FROM ja4_processing.ml_detected_anomalies WHERE ja4 != '' ORDER BY score DESC LIMIT 1",
    );
    someIp = row.ip;
    someJa4 = row.ja4;
  }, 300_000);
  afterAll(async () => h?.close());

  it('returns to the login page on any 401, then back to where the analyst was', async () => {
    const page = await h.open();
    const hash = '#/anomalies?range=6h&q=hosting&sort=requests&order=desc';
    await visit(page, h.dash.url, hash, TABLE_IPS);
    await page.context().clearCookies();
    await page.click('th button:has-text("Score")');
    await page.waitForSelector('input[name=username]');
    expect(await page.locator('header').count()).toBe(0);
    await login(page);
    await page.waitForSelector(TABLE_IPS);
    const url = new URL(page.url());
    const params = new URLSearchParams(url.hash.split('?')[1]);
    expect(url.hash.startsWith('#/anomalies')).toBe(true);
    expect(params.get('q')).toBe('hosting');
    expect(params.get('range')).toBe('6h');
    expect(await page.locator('input[aria-label=filter]').inputValue()).toBe('hosting');
  });

  it('fits every page in 390 px, keeps "Log out" on screen and the sort headers tappable', async () => {
    const page = await h.open(PHONE);
    const pages = [
      ['#/overview?range=24h', '[data-testid=kpis]'],
      ['#/anomalies?range=24h', TABLE_IPS],
      ['#/alerts?range=24h', '[data-testid=alerts]'],
      ['#/signals?range=24h', '[data-testid=signals] tbody tr'],
      [`#/ip/${someIp}?range=24h`, '[data-testid=requests] tbody tr'],
      [`#/fingerprint/${someJa4}?range=24h`, '[data-testid=fingerprint-ips] tbody tr'],
      ['#/search?q=curl&range=24h', '[data-testid=understood]'],
      ['#/lists', '[data-testid=audit]'],
      ['#/status', '[data-testid=status] tbody tr'],
    ];
    for (const [hash, selector] of pages) {
      await visit(page, h.dash.url, hash, selector);
      expectNoPageScroll(PHONE.width, await page.evaluate(() => document.documentElement.scrollWidth), hash);
      const out = await page.locator('header button:has-text("Log out")').boundingBox();
      expect(out && out.x + out.width <= PHONE.width, `Log out on screen at ${hash}`).toBe(true);
    }
    await visit(page, h.dash.url, '#/anomalies?range=24h', TABLE_IPS);
    await page.tap('th button:has-text("Requests")');
    await expect.poll(() => new URLSearchParams(page.url().split('?')[1]).get('sort')).toBe('requests');
    await h.shot(page, 'phone-anomalies');
  });

  it('reads what the analyst typed as the field it is, links results onward, and knows no other page', async () => {
    const page = await h.open();
    const [asn] = await h.query<{ asn: number }>(
      'SELECT asn FROM ja4_processing.ml_detected_anomalies WHERE asn > 0 GROUP BY asn ORDER BY count() DESC LIMIT 1',
    );
    const cases: [string, string][] = [
      ['curl', 'user agent containing “curl”'],
      ['/wp-login.php', 'path containing “/wp-login.php”'],
      [`AS${asn.asn}`, `AS${asn.asn}`],
    ];
    for (const [typed, words] of cases) {
      await page.fill('input[aria-label=search]', typed);
      await page.press('input[aria-label=search]', 'Enter');
      await expect.poll(() => page.textContent('[data-testid=understood]')).toContain(words);
      await page.waitForSelector('[data-testid=search-results] tbody tr td a');
      expect(numbers(await page.textContent('[data-testid=pager] .showing')).at(-1)).toBeGreaterThan(0);
    }
    // One address found: counted in the singular.
    const [one] = await h.query<{ ip: string }>(
      "SELECT client_ip AS ip FROM ja4_processing.http_logs WHERE client_ip != '' ORDER BY ts DESC LIMIT 1",
    );
    await page.fill('input[aria-label=search]', `ip:${one.ip}`);
    await page.press('input[aria-label=search]', 'Enter');
    await expect.poll(() => page.textContent('[data-testid=pager] .showing')).toBe('showing 1–1 of 1 IP');
    const [host] = await h.query<{ host: string }>(
      "SELECT host FROM ja4_processing.http_logs WHERE host != '' LIMIT 1",
    );
    await page.fill('input[aria-label=search]', `host:${host.host}`);
    await page.press('input[aria-label=search]', 'Enter');
    await page.waitForSelector('[data-testid=search-results] tbody tr td a');
    const link = String(
      await page
        .locator('[data-testid=search-results] tbody tr td:first-child a')
        .first()
        .getAttribute('href'),
    );
    expect(link.startsWith('#/ip/')).toBe(true);
    // A search the API refuses shows its error alone, not the previous search's answer under it.
    await page.fill('input[aria-label=search]', `path:${'A'.repeat(300)}`);
    await page.press('input[aria-label=search]', 'Enter');
    await page.waitForSelector('p.error');
    expect(await page.locator('[data-testid=understood]').count()).toBe(0);
    expect(await page.locator('[data-testid=search-results]').count()).toBe(0);
    await visit(page, h.dash.url, '#/no-such-thing', '[data-testid=not-found]');
    expect(await page.locator('[data-testid=kpis]').count()).toBe(0);
  });

  it('keeps range, filters, sort and page in the URL: a reload and a pasted link show the same view', async () => {
    const page = await h.open();
    await visit(page, h.dash.url, '#/anomalies?range=24h&bots=include', TABLE_IPS);
    await page.click('th button:has-text("Requests")');
    await page.click('[data-testid=pager] button:has-text("next")');
    await expect.poll(() => page.textContent('[data-testid=pager] .showing')).toMatch(/^showing 51/);
    const url = page.url();
    const before = await page.locator(TABLE_IPS).allTextContents();
    await page.reload();
    await page.waitForSelector(TABLE_IPS);
    expect(await page.locator(TABLE_IPS).allTextContents()).toEqual(before);
    const other = await h.open();
    await other.goto(url);
    await other.waitForSelector(TABLE_IPS);
    expect(await other.locator(TABLE_IPS).allTextContents()).toEqual(before);
    expect(await other.textContent('th[aria-sort] button')).toContain('Requests');
  });

  it("starts the custom range's inputs at the range the page shows, and follows a preset picked", async () => {
    const page = await h.open();
    await visit(page, h.dash.url, '#/anomalies?range=1h', TABLE_IPS);
    // datetime-local values in UTC ("YYYY-MM-DDTHH:MM"), as minutes.
    const minutes = async (label: string) =>
      Date.parse(`${await page.inputValue(`.custom-range input[aria-label=${label}]`)}Z`) / 60_000;
    const span = async () => (await minutes('to')) - (await minutes('from'));
    expect(await span()).toBe(60);
    expect(Math.abs((await minutes('to')) - Date.now() / 60_000)).toBeLessThan(5);
    await page.click('fieldset[aria-label="time range"] button:has-text("7d")');
    await expect.poll(span).toBe(7 * 24 * 60);
  });

  it('zooms to the span dragged across a chart and refilters the page', async () => {
    const page = await h.open();
    await visit(page, h.dash.url, '#/overview?range=24h', '[data-testid=timeseries] .u-over');
    const over = page.locator('[data-testid=timeseries] .u-over');
    const box = await over.boundingBox();
    if (!box) throw new Error('no chart');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => new URLSearchParams(page.url().split('?')[1]).get('from')).not.toBeNull();
    const params = new URLSearchParams(page.url().split('?')[1]);
    const span = Number(params.get('to')) - Number(params.get('from'));
    expect(span).toBeGreaterThan(4 * 3600);
    expect(span).toBeLessThan(8 * 3600);
    await page.waitForSelector('[data-testid=custom-range]');
    await expect
      .poll(async () =>
        Number(await page.locator('[data-testid=timeseries]').first().getAttribute('data-x-min')),
      )
      .toBeGreaterThanOrEqual(Number(params.get('from')) - 3600);
  });
});
