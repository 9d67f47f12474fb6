import { createRequire } from 'node:module';
import { isbotMatch } from 'isbot';

/**
 * What a User-Agent string declares. Automation is recognised by maintained lists, not by our own
 * patterns: isbot (its pattern list of crawlers, libraries and tools) decides whether a UA
 * declares a bot, and crawler-user-agents (monperrus/crawler-user-agents: pattern, URL and tags
 * such as search-engine, http-library, scanner) names it. What is left is the browser family and
 * the OS a browser UA claims, read from the few tokens browsers have sent for a decade.
 */
export type BrowserFamily = 'chromium' | 'firefox' | 'safari';
export type ClaimedClient = BrowserFamily | 'tool' | 'crawler' | 'none' | 'other';
export type ClaimedOs = 'windows' | 'mac' | 'ios' | 'linux' | 'android' | 'unknown';

export interface DeclaredBot {
  /** crawler (search engines, SEO, feeds, previews, archivers, AI crawlers) or tool (libraries, scanners, automation). */
  kind: 'crawler' | 'tool';
  /** The matched name, as the UA writes it (e.g. "curl/7.88.1", "Googlebot/"). */
  name: string;
  /** The crawler-user-agents entry's URL and tags when it has one. */
  url: string;
  tags: readonly string[];
}

export interface UaClaim {
  client: ClaimedClient;
  os: ClaimedOs;
  /** Set when the UA declares automation (isbot matched it). */
  declared?: DeclaredBot;
}

interface CrawlerEntry {
  pattern: string;
  url?: string;
  tags?: string[];
}

/** Tags of crawler-user-agents that mark a tool rather than a crawler. */
const TOOL_TAGS = new Set(['http-library', 'scanner', 'browser-automation', 'monitoring']);

let crawlers: { re: RegExp; url: string; tags: string[] }[] | undefined;

function crawlerList(): { re: RegExp; url: string; tags: string[] }[] {
  if (!crawlers) {
    const entries = createRequire(import.meta.url)('crawler-user-agents') as CrawlerEntry[];
    crawlers = [];
    for (const e of entries) {
      try {
        crawlers.push({ re: new RegExp(e.pattern), url: e.url ?? '', tags: e.tags ?? [] });
      } catch {
        // A pattern this engine cannot compile is skipped; isbot still decides.
      }
    }
  }
  return crawlers;
}

/** The crawler-user-agents entry a UA matches, if any. */
export function findCrawler(ua: string): { re: RegExp; url: string; tags: string[] } | undefined {
  for (const c of crawlerList()) if (c.re.test(ua)) return c;
  return undefined;
}

/**
 * The declared automation of a UA: either list recognising it is enough (isbot's patterns and
 * crawler-user-agents' overlap but neither contains the other: Nikto is only in the second);
 * crawler-user-agents' tags say crawler or tool.
 */
export function declaredBot(ua: string): DeclaredBot | undefined {
  const entry = findCrawler(ua);
  const match = isbotMatch(ua) ?? (entry ? (entry.re.exec(ua)?.[0] ?? '') : null);
  if (match === null) return undefined;
  const tags = entry?.tags ?? [];
  const tool =
    tags.some((t) => TOOL_TAGS.has(t)) || (tags.length === 0 && !/bot|crawl|spider|slurp/i.test(ua));
  return { kind: tool ? 'tool' : 'crawler', name: match, url: entry?.url ?? '', tags };
}

export function claimedOs(ua: string): ClaimedOs {
  if (/iPhone|iPad|iPod/.test(ua)) return 'ios';
  if (/Android/.test(ua)) return 'android';
  if (/Windows NT|Windows;/.test(ua)) return 'windows';
  if (/Macintosh|Mac OS X/.test(ua)) return 'mac';
  if (/Linux|X11|CrOS/.test(ua)) return 'linux';
  return 'unknown';
}

/** The client and OS a User-Agent claims. */
export function parseUserAgent(ua: string): UaClaim {
  if (ua.trim() === '') return { client: 'none', os: 'unknown' };
  const os = claimedOs(ua);
  const declared = declaredBot(ua);
  if (declared) return { client: declared.kind, os, declared };
  // On iOS every browser uses WebKit's network stack, so its TLS is Safari's whatever the UA says.
  if (os === 'ios' && /AppleWebKit/.test(ua)) return { client: 'safari', os };
  if (/Firefox\/|FxiOS/.test(ua)) return { client: 'firefox', os };
  if (/Chrome\/|Chromium\/|CriOS|Edg\/|OPR\//.test(ua)) return { client: 'chromium', os };
  if (/Version\/[\d.]+.*Safari\//.test(ua)) return { client: 'safari', os };
  return { client: 'other', os };
}

export function isBrowserClaim(c: ClaimedClient): c is BrowserFamily {
  return c === 'chromium' || c === 'firefox' || c === 'safari';
}
