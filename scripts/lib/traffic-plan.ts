import { createRng, hashParts, type Rng } from '../../appliance/common/prng.js';
import {
  ATTACK_PROBES,
  addressInRange,
  DATACENTER_RANGES,
  HUMAN_PAGES,
  HUMAN_RANGES,
  type ParsedCidr,
  parseCidr,
  SEARCH_TERMS,
  SLUGS,
  TOR_RANGE,
} from '../../appliance/demo/index.js';
import { TRAFFIC_TLS_PROFILES, type TrafficTlsProfile } from './traffic-profiles.js';

/**
 * What the traffic generator sends, decided before any socket opens: visits (one client address
 * in X-Forwarded-For, one TLS profile, a few requests on one connection) drawn from fixed address
 * pools. Pure and deterministic in the seed, so a test can compare what a server received with
 * what was planned.
 */
export const HUMAN_POOL_SIZE = 1168;
export const BOT_POOL_SIZE = 180;

export type TrafficScenario = 'human' | 'scanner' | 'bruteforce';

export interface PlannedRequest {
  method: 'GET' | 'POST';
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Pause before this request, in ms at pace 1 (a visitor reading the page). */
  delayMs: number;
}

export interface Visit {
  id: number;
  scenario: TrafficScenario;
  /** The client address sent in X-Forwarded-For. */
  xff: string;
  profile: TrafficTlsProfile;
  requests: PlannedRequest[];
}

export interface AddressPools {
  human: string[];
  bot: string[];
}

/** Splits `size` distinct addresses evenly over the ranges (the first ranges take the remainder). */
function pool(ranges: readonly string[], size: number, salt: number): string[] {
  const parsed = ranges.map((r) => parseCidr(r) as ParsedCidr);
  const out: string[] = [];
  parsed.forEach((cidr, i) => {
    const share = Math.floor(size / parsed.length) + (i < size % parsed.length ? 1 : 0);
    for (let k = 0; k < share; k++) out.push(addressInRange(cidr, k, salt + i));
  });
  return out;
}

/** 1168 human addresses in 90/9, 82.64/14, 78.41/16; 180 bot addresses in 185.220.100/22, 45.155/16, 193.32/16. */
export function buildPools(seed: string): AddressPools {
  const salt = hashParts([seed, 'traffic-pools'])[0];
  return {
    human: pool(
      HUMAN_RANGES.map((r) => r.cidr),
      HUMAN_POOL_SIZE,
      salt,
    ),
    bot: pool([TOR_RANGE.cidr, ...DATACENTER_RANGES.map((r) => r.cidr)], BOT_POOL_SIZE, salt ^ 0x5bd1e995),
  };
}

export interface TrafficPlanOptions {
  seed: string;
  /** Total requests across all visits. */
  requests: number;
  /** Share of requests per scenario; default 60% human, 25% scanner, 15% brute force. */
  mix?: Readonly<Record<TrafficScenario, number>>;
}

const DEFAULT_MIX: Readonly<Record<TrafficScenario, number>> = { human: 60, scanner: 25, bruteforce: 15 };

const BROWSER_HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7',
  'accept-encoding': 'gzip, deflate, br',
};

function humanRequests(rng: Rng, n: number, ua: string): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  let referer = '';
  for (let i = 0; i < n; i++) {
    const template = i === 0 ? '/' : rng.weighted(HUMAN_PAGES);
    let path = template.replace('{n}', String(rng.int(100, 2400))).replace('{slug}', rng.pick(SLUGS));
    if (path === '/search') path += `?q=${encodeURIComponent(rng.pick(SEARCH_TERMS))}`;
    const headers: Record<string, string> = { 'user-agent': ua, ...BROWSER_HEADERS };
    if (referer) headers.referer = referer;
    out.push({
      method: 'GET',
      path,
      headers,
      delayMs: i === 0 ? 0 : Math.min(8_000, Math.round(rng.around(1_500, 0.7))),
    });
    referer = path;
  }
  return out;
}

function scannerRequests(rng: Rng, n: number, ua: string): PlannedRequest[] {
  const start = rng.int(0, ATTACK_PROBES.length - 1);
  return Array.from({ length: n }, (_, i) => {
    const [path, query] = ATTACK_PROBES[(start + i) % ATTACK_PROBES.length];
    return {
      method: 'GET' as const,
      path: query ? `${path}?${query}` : path,
      headers: { 'user-agent': ua, accept: '*/*' },
      delayMs: i === 0 ? 0 : rng.int(20, 200),
    };
  });
}

function bruteforceRequests(rng: Rng, n: number, ua: string): PlannedRequest[] {
  const user = rng.pick(['admin', 'root', 'test', 'info', 'contact']);
  return Array.from({ length: n }, (_, i) => {
    const body = `username=${user}&password=${encodeURIComponent(`pass${rng.int(1000, 999_999)}`)}`;
    return {
      method: 'POST' as const,
      path: '/login',
      headers: {
        'user-agent': ua,
        accept: '*/*',
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
      delayMs: i === 0 ? 0 : rng.int(100, 600),
    };
  });
}

/**
 * Exactly `requests` requests in visits: humans browse 2–6 pages with reading pauses, scanners
 * send 4–10 probes in a burst, brute-forcers 20–50 POST /login (cut short only by the total).
 * TLS profiles are dealt in turn within each role, so every profile is used once there are
 * enough visits.
 */
export function planTraffic(opts: TrafficPlanOptions): Visit[] {
  const rng = createRng(opts.seed, 'traffic-plan');
  const pools = buildPools(opts.seed);
  const mix = opts.mix ?? DEFAULT_MIX;
  const humanProfiles = TRAFFIC_TLS_PROFILES.filter((p) => p.role === 'human');
  const botProfiles = TRAFFIC_TLS_PROFILES.filter((p) => p.role === 'bot');
  const visits: Visit[] = [];
  let remaining = opts.requests;
  let humans = 0;
  let bots = 0;
  while (remaining > 0) {
    const scenario = rng.weighted(Object.entries(mix) as [TrafficScenario, number][]);
    const want =
      scenario === 'human' ? rng.int(2, 6) : scenario === 'scanner' ? rng.int(4, 10) : rng.int(20, 50);
    const n = Math.min(want, remaining);
    const human = scenario === 'human';
    const profile = human
      ? humanProfiles[humans++ % humanProfiles.length]
      : botProfiles[bots++ % botProfiles.length];
    const xff = human ? rng.pick(pools.human) : rng.pick(pools.bot);
    const requests =
      scenario === 'human'
        ? humanRequests(rng, n, profile.userAgent)
        : scenario === 'scanner'
          ? scannerRequests(rng, n, profile.userAgent)
          : bruteforceRequests(rng, n, profile.userAgent);
    visits.push({ id: visits.length, scenario, xff, profile, requests });
    remaining -= n;
  }
  return visits;
}
