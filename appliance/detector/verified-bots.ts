import { promises as dns } from 'node:dns';

/**
 * Verified good bots: a request whose UA claims a search engine's crawler is that crawler only if
 * its address passes forward-confirmed reverse DNS (the PTR name is under the engine's published
 * domain and that name resolves back to the address: Google's "Verifying Googlebot", Bing's
 * "Verify Bingbot", Apple's, Yandex's and Baidu's documentation describe the same check), or lies
 * in the engine's published ranges (loaded into the bot_ip list with label `good-<crawler>`).
 * Without DNS the claim cannot be verified and the verdict says so.
 */
export interface Resolver {
  reverse(ip: string): Promise<string[]>;
  resolve(host: string): Promise<string[]>;
}

export interface KnownCrawler {
  name: string;
  ua: RegExp;
  /** PTR names must end with one of these (a dot boundary). */
  domains: readonly string[];
}

export const KNOWN_CRAWLERS: readonly KnownCrawler[] = [
  {
    name: 'googlebot',
    ua: /Googlebot|Google-InspectionTool|GoogleOther|AdsBot-Google/i,
    domains: ['googlebot.com', 'google.com', 'googleusercontent.com'],
  },
  { name: 'bingbot', ua: /bingbot|BingPreview|msnbot/i, domains: ['search.msn.com'] },
  { name: 'applebot', ua: /Applebot/i, domains: ['applebot.apple.com'] },
  { name: 'yandexbot', ua: /YandexBot|YandexMobileBot/i, domains: ['yandex.ru', 'yandex.net', 'yandex.com'] },
  { name: 'baiduspider', ua: /Baiduspider/i, domains: ['crawl.baidu.com', 'crawl.baidu.jp'] },
];

export type Verification =
  | { status: 'verified'; crawler: string; how: 'dns' | 'published_range'; detail: string }
  | { status: 'failed'; crawler: string; detail: string }
  | { status: 'unavailable'; crawler: string; detail: string };

/** The known crawler a UA claims to be, if any. */
export function claimedCrawler(ua: string): KnownCrawler | undefined {
  return KNOWN_CRAWLERS.find((c) => c.ua.test(ua));
}

/** The system resolver with a timeout per lookup (a verdict never waits on a slow DNS server). */
export function systemResolver(timeoutMs: number): Resolver {
  const timed = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })),
          timeoutMs,
        ).unref(),
      ),
    ]);
  return {
    reverse: (ip) => timed(dns.reverse(ip)),
    resolve: async (host) => {
      const [v4, v6] = await Promise.allSettled([timed(dns.resolve4(host)), timed(dns.resolve6(host))]);
      const out = [
        ...(v4.status === 'fulfilled' ? v4.value : []),
        ...(v6.status === 'fulfilled' ? v6.value : []),
      ];
      if (out.length === 0 && v4.status === 'rejected') throw v4.reason;
      return out;
    },
  };
}

/** DNS answers that mean "this name does not exist" (a real answer), not "DNS is unreachable". */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/**
 * Forward-confirmed reverse DNS of `ip` for `crawler`, or a published range (`publishedLabel` is
 * the bot_ip list's label of the address). Results are cached per (crawler, ip) by the caller.
 */
export async function verifyCrawler(
  crawler: KnownCrawler,
  ip: string,
  publishedLabel: string,
  resolver: Resolver | undefined,
): Promise<Verification> {
  if (publishedLabel === `good-${crawler.name}`) {
    return {
      status: 'verified',
      crawler: crawler.name,
      how: 'published_range',
      detail: `in ${crawler.name}'s published ranges`,
    };
  }
  if (!resolver)
    return {
      status: 'unavailable',
      crawler: crawler.name,
      detail: 'DNS verification is off (detector.verify_crawlers)',
    };
  let names: string[];
  try {
    names = await resolver.reverse(ip);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (NEGATIVE.has(code))
      return { status: 'failed', crawler: crawler.name, detail: `${ip} has no reverse DNS name` };
    return { status: 'unavailable', crawler: crawler.name, detail: `DNS unavailable (${code || 'error'})` };
  }
  const under = names.find((n) => crawler.domains.some((d) => n === d || n.endsWith(`.${d}`)));
  if (!under) {
    return {
      status: 'failed',
      crawler: crawler.name,
      detail: `reverse DNS ${names[0] ?? '(none)'} is not under ${crawler.domains.join(', ')}`,
    };
  }
  try {
    const back = await resolver.resolve(under);
    if (back.includes(ip))
      return { status: 'verified', crawler: crawler.name, how: 'dns', detail: `${ip} ⇄ ${under}` };
    return { status: 'failed', crawler: crawler.name, detail: `${under} does not resolve back to ${ip}` };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (NEGATIVE.has(code))
      return { status: 'failed', crawler: crawler.name, detail: `${under} does not resolve` };
    return { status: 'unavailable', crawler: crawler.name, detail: `DNS unavailable (${code || 'error'})` };
  }
}
