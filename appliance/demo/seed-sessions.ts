import type { Rng } from '../common/prng.js';
import { BOT_LABEL_CLIENTS, SCANNER_TOOLS } from './bot-clients.js';
import {
  type ClientProfile,
  type HeaderStyle,
  HUMAN_PROFILES,
  type TcpStackId,
  TOOL_PROFILES,
} from './client-profiles.js';
import type { RequestKind } from './http-headers.js';
import {
  ASSETS,
  ATTACK_PROBES,
  HOSTS,
  HUMAN_PAGES,
  SCRAPE_PAGES,
  SEARCH_TERMS,
  SLUGS,
} from './site-paths.js';
import { TLS_FINGERPRINTS, type TlsFingerprint } from './tls-fingerprints.js';

/**
 * The behaviour of one session, before it becomes rows: who the client pretends to be and the
 * requests it makes, with the gaps between them. One builder per scenario of the demo
 * data (README).
 */
export type Scenario = 'human' | 'scanner' | 'known_bot' | 'bruteforce';

export interface RequestIntent {
  method: string;
  path: string;
  query: string;
  kind: RequestKind;
  status: number;
  bytes: number;
  durationUs: number;
  /** Milliseconds since the previous request of the session started (0 for the first). */
  gapMs: number;
  referer: string;
  contentLength: number;
}

export interface SessionClient {
  /** Profile or tool id, kept in the labels. */
  id: string;
  /** null: plain HTTP, no ClientHello. */
  tls: TlsFingerprint | null;
  tcp: TcpStackId;
  headers: HeaderStyle;
  userAgent: string;
  keepAlive: boolean;
}

export interface SessionScript {
  client: SessionClient;
  host: string;
  language: string;
  intents: RequestIntent[];
}

/** A JA4 from the known-bot list (migrations/dictionaries), with the list's label if it has one. */
export interface BotJa4 {
  ja4: string;
  label: string;
}

/** The server the seeded traffic pretends to hit (TEST-NET-2, RFC 5737). */
export const SERVER_IP = '198.51.100.10';

const LANGUAGES: readonly (readonly [string, number])[] = [
  ['fr-FR', 80],
  ['en-US', 12],
  ['de-DE', 4],
  ['es-ES', 4],
];

const fromProfile = (p: ClientProfile, rng: Rng): SessionClient => ({
  id: p.id,
  tls: TLS_FINGERPRINTS[p.tls],
  tcp: p.tcp,
  headers: p.headers,
  userAgent: rng.pick(p.userAgents),
  keepAlive: p.keepAlive,
});

const intent = (i: Partial<RequestIntent> & Pick<RequestIntent, 'path' | 'kind'>): RequestIntent => ({
  method: 'GET',
  query: '',
  status: 200,
  bytes: 0,
  durationUs: 1000,
  gapMs: 0,
  referer: '',
  contentLength: 0,
  ...i,
});

function fillPath(template: string, rng: Rng): string {
  return template.replace('{n}', String(rng.int(100, 2400))).replace('{slug}', rng.pick(SLUGS));
}

/**
 * A visit as a browser makes it: 3–8 page views with reading pauses between them (5–90 s), each
 * page view followed within a few hundred milliseconds by its subresources (the site's CSS, JS,
 * fonts and favicon on the first view, the page's images and an API call on every view; later
 * views find the shared assets in the browser cache), sometimes a login. 20–60 requests in all,
 * as real browsers load them (HTTP Archive's median page makes ~70 requests, a cached repeat
 * view far fewer).
 */
export function humanSession(rng: Rng): SessionScript {
  const client = fromProfile(rng.weighted(HUMAN_PROFILES), rng);
  const host = rng.pick(HOSTS);
  const intents: RequestIntent[] = [];
  const target = rng.int(20, 60);
  let referer = rng.chance(0.3) ? 'https://www.google.com/' : '';
  for (let p = 0; p < 8 && intents.length < target; p++) {
    const template = p === 0 && rng.chance(0.5) ? '/' : rng.weighted(HUMAN_PAGES);
    const path = fillPath(template, rng);
    const query = path === '/search' ? `q=${encodeURIComponent(rng.pick(SEARCH_TERMS))}` : '';
    const missing = path.startsWith('/products/') && rng.chance(0.03);
    intents.push(
      intent({
        path,
        query,
        kind: 'page',
        status: missing ? 404 : 200,
        bytes: missing ? 3_412 : rng.int(9_000, 64_000),
        durationUs: Math.round(rng.around(60_000, 0.5)),
        gapMs: p === 0 ? 0 : Math.min(90_000, Math.max(5_000, Math.round(rng.around(25_000, 0.7)))),
        referer,
      }),
    );
    const pageUrl = `https://${host}${path}${query ? `?${query}` : ''}`;
    pageResources(rng, p === 0, Math.min(target - intents.length, rng.int(3, 12)), pageUrl, intents);
    if (p >= 2 && rng.chance(0.08)) intents.push(loginPost(rng, host));
    referer = pageUrl;
  }
  return { client, host, language: rng.weighted(LANGUAGES), intents };
}

/** The subresources of one page view: shared assets when the cache is cold, then the page's own. */
function pageResources(rng: Rng, cold: boolean, budget: number, pageUrl: string, out: RequestIntent[]): void {
  const own = (n: number) => ({
    path: rng.chance(0.2) ? `/api/cart/count` : `/static/img/products/${rng.int(100, 2400)}-${n}.webp`,
    kind: 'img' as const,
    bytes: rng.int(4_000, 90_000),
  });
  const list = [...(cold ? ASSETS : []), ...Array.from({ length: budget }, (_, n) => own(n))].slice(
    0,
    Math.max(budget, cold ? ASSETS.length : 0),
  );
  for (const asset of list) {
    out.push(
      intent({
        path: asset.path,
        kind: asset.kind,
        bytes: asset.bytes,
        durationUs: Math.round(rng.around(4_000, 0.6)),
        gapMs: rng.int(5, 250),
        referer: pageUrl,
      }),
    );
  }
}

function loginPost(rng: Rng, host: string): RequestIntent {
  return intent({
    method: 'POST',
    path: '/login',
    kind: 'form',
    status: 302,
    bytes: 0,
    durationUs: Math.round(rng.around(180_000, 0.3)),
    gapMs: Math.round(rng.around(15_000, 0.5)),
    referer: `https://${host}/login`,
    contentLength: rng.int(38, 64),
  });
}

/** Minimal SYNs are the norm for scanners (raw-socket tools); a third use the kernel's stack. */
const SCANNER_TCP: readonly (readonly [TcpStackId, number])[] = [
  ['minimal', 50],
  ['bare', 15],
  ['linux', 35],
];

/** 3–9 probes from the attack list, fast, sometimes after a GET /. */
export function scannerSession(rng: Rng): SessionScript {
  const tool = rng.weighted(SCANNER_TOOLS);
  const client: SessionClient = {
    id: tool.id,
    tls: tool.tls ? TLS_FINGERPRINTS[tool.tls] : null,
    tcp: rng.weighted(SCANNER_TCP),
    headers: tool.headers,
    userAgent: rng.pick(tool.userAgents),
    keepAlive: rng.chance(0.4),
  };
  const host = client.tls ? rng.pick(HOSTS) : SERVER_IP;
  const intents: RequestIntent[] = [];
  if (rng.chance(0.4)) intents.push(intent({ path: '/', kind: 'page', bytes: rng.int(9_000, 20_000) }));
  const n = rng.int(3, 9);
  const start = rng.int(0, ATTACK_PROBES.length - 1);
  const step = rng.pick([1, 3, 5, 7]);
  for (let i = 0; i < n; i++) {
    const [path, query, status] = ATTACK_PROBES[(start + i * step) % ATTACK_PROBES.length];
    intents.push(
      intent({
        path,
        query,
        kind: 'probe',
        status,
        bytes: status === 200 ? rng.int(9_000, 20_000) : rng.int(196, 540),
        durationUs: Math.round(rng.around(status === 500 ? 40_000 : 1_500, 0.5)),
        gapMs: intents.length === 0 ? 0 : Math.round(rng.around(350, 1)),
      }),
    );
  }
  return { client, host, language: '', intents };
}

function botClientFor(bot: BotJa4, rng: Rng): SessionClient {
  const known = Object.values(TLS_FINGERPRINTS).find((f) => f.ja4 === bot.ja4);
  const v12 = bot.ja4.slice(1, 3) === '12';
  const alpnCode = bot.ja4.slice(8, 10);
  // A JA4 the seeder has no full ClientHello for keeps only the JA4 itself: the raw, original-order
  // and JA3 renderings stay empty rather than invented.
  const tls: TlsFingerprint = known ?? {
    id: 'bot-list',
    client: bot.label || 'known bot',
    ja4: bot.ja4,
    ja4_r: '',
    variants: [{ ja4_o: '', ja4_ro: '', ja3: '', ja3_full: '', source: 'bot_ja4.csv' }],
    alpn: alpnCode === 'h2' ? ['h2', 'http/1.1'] : alpnCode === 'h1' ? ['http/1.1'] : [],
    tls_version: v12 ? '1.2' : '1.3',
    tls_protocol: v12 ? 'TLSv1.2' : 'TLSv1.3',
    tls_cipher: v12 ? 'ECDHE-RSA-AES256-GCM-SHA384' : 'TLS_AES_128_GCM_SHA256',
  };
  const style = BOT_LABEL_CLIENTS[bot.label] ?? { headers: 'go', userAgent: 'Go-http-client/1.1' };
  return {
    id: `bot:${bot.label || 'unlabelled'}`,
    tls,
    tcp: rng.chance(0.8) ? 'linux' : 'minimal',
    headers: style.headers,
    userAgent: style.userAgent,
    keepAlive: style.headers !== 'curl',
  };
}

/** A listed bot scraping product pages at a steady pace. */
export function knownBotSession(rng: Rng, bot: BotJa4): SessionScript {
  const client = botClientFor(bot, rng);
  const intents: RequestIntent[] = [];
  const n = rng.int(2, 6);
  for (let i = 0; i < n; i++) {
    const path = fillPath(rng.pick(SCRAPE_PAGES), rng);
    intents.push(
      intent({
        path,
        kind: 'page',
        bytes: rng.int(9_000, 64_000),
        durationUs: Math.round(rng.around(55_000, 0.4)),
        gapMs: i === 0 ? 0 : Math.round(rng.around(1_500, 0.4)),
      }),
    );
  }
  // JA4 "i": the ClientHello had no SNI, as when a tool is pointed at an address (JA4.md).
  const host = bot.ja4[3] === 'i' ? SERVER_IP : rng.pick(HOSTS);
  return { client, host, language: '', intents };
}

/** 20–50 POST /login from one address, every second or so; rarely one succeeds. */
export function bruteforceSession(rng: Rng): SessionScript {
  const tool = rng.pick([TOOL_PROFILES.python, TOOL_PROFILES.python, TOOL_PROFILES.curl, TOOL_PROFILES.go]);
  const client = fromProfile(tool, rng);
  const host = rng.pick(HOSTS);
  const n = rng.int(20, 50);
  const cracked = rng.chance(0.1);
  const intents: RequestIntent[] = [];
  for (let i = 0; i < n; i++) {
    const success = cracked && i === n - 1;
    intents.push(
      intent({
        method: 'POST',
        path: '/login',
        kind: 'form',
        status: success ? 302 : 401,
        bytes: success ? 0 : rng.int(1_180, 1_260),
        durationUs: Math.round(rng.around(170_000, 0.2)),
        gapMs: i === 0 ? 0 : Math.round(rng.around(1_100, 0.35)),
        contentLength: rng.int(30, 60),
      }),
    );
  }
  return { client, host, language: '', intents };
}
