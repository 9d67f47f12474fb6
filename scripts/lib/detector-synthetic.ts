import { createRng, type Rng } from '../../appliance/common/prng.js';
import type { FeatureRow } from '../../appliance/detector/features.js';

/**
 * A deterministic labelled set of detector feature rows (one per hour, host, IP, JA4), drawn from
 * distributions like the seeder's scenarios: humans on residential ASNs with coherent browsers,
 * scanners, brute-forcers and known bots from datacenters. It lets the model, the features and the
 * benchmark be measured at any size (100k rows) without ClickHouse; the seeded set through the
 * real view is the other labelled set (bench-detector.ts).
 *
 * Some rows are hard on purpose: a share of scanners send a browser UA over a Go ClientHello
 * (nuclei), some brute-force comes from residential ASNs (so it sits in the training baseline),
 * some humans have no SYN captured or sit behind a VPN that changes the TTL.
 */
export type SyntheticLabel = 'human' | 'scanner' | 'bruteforce' | 'known_bot';

export interface LabelledRow {
  row: FeatureRow;
  label: SyntheticLabel;
}

interface Stack {
  ttl: number;
  window: number;
  mss: number | null;
  options: string;
}
const WIN: Stack = { ttl: 128, window: 64240, mss: 1460, options: '2-1-3-1-1-4' };
const LINUX: Stack = { ttl: 64, window: 64240, mss: 1460, options: '2-4-8-1-3' };
const MAC: Stack = { ttl: 64, window: 65535, mss: 1460, options: '2-1-3-1-1-8-4-0-0' };
const MINIMAL: Stack = { ttl: 64, window: 1024, mss: 1460, options: '2' };

const JA4 = {
  chrome: 't13d1516h2_8daaf6152771_e5627efa2ab1',
  firefox: 't13d1715h2_5b57614c22b0_3d5424432f57',
  safari: 't13d2613h2_2802a3db6c62_845d286b0d67',
  curl: 't13d3112h2_e8f1e7e78f70_b26ce05bbdd6',
  python: 't13d1812h1_85036bcba153_b26ce05bbdd6',
  go: 't13d190900_9dc949149365_97f8aa674fd9',
};

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36';
const HUMANS: readonly (readonly [number, string, string, Stack, number])[] = [
  // weight, UA, JA4, SYN, typical header count
  [34, CHROME_WIN, JA4.chrome, WIN, 14],
  [
    10,
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36',
    JA4.chrome,
    MAC,
    14,
  ],
  [
    14,
    'Mozilla/5.0 (Linux; Android 13; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36',
    JA4.chrome,
    LINUX,
    14,
  ],
  [
    10,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0',
    JA4.firefox,
    WIN,
    12,
  ],
  [
    5,
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0',
    JA4.firefox,
    LINUX,
    12,
  ],
  [
    9,
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15',
    JA4.safari,
    MAC,
    10,
  ],
  [
    18,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
    JA4.safari,
    MAC,
    10,
  ],
];
const HOSTS = ['shop.example.fr', 'www.example.fr', 'api.example.fr'];

function weighted<T>(rng: Rng, items: readonly (readonly [number, ...unknown[]])[]): T {
  const total = items.reduce((s, i) => s + i[0], 0);
  let x = rng.next() * total;
  for (const item of items) {
    x -= item[0];
    if (x < 0) return item as unknown as T;
  }
  return items[items.length - 1] as unknown as T;
}
const pick = <T>(rng: Rng, a: readonly T[]): T => a[rng.int(0, a.length - 1)];
const between = (rng: Rng, lo: number, hi: number) => lo + rng.next() * (hi - lo);
const intBetween = (rng: Rng, lo: number, hi: number) => rng.int(lo, hi);
/** Log-normal around a median: exp(N(ln m, s)) via Box–Muller. */
function around(rng: Rng, median: number, spread: number): number {
  const u = Math.max(rng.next(), 1e-12);
  const n = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  return median * Math.exp(n * spread);
}

function base(rng: Rng, i: number, ip: string, ja4: string, ua: string, stack: Stack | null): FeatureRow {
  const hops = intBetween(rng, 6, 22);
  return {
    hour: `2026-11-20 ${String(i % 24).padStart(2, '0')}:00:00`,
    host: pick(rng, HOSTS),
    src_ip: ip,
    ja4,
    requests: 1,
    distinct_paths: 1,
    ratio_4xx: 0,
    ratio_5xx: 0,
    ratio_post: 0,
    login_hits: 0,
    distinct_user_agents: 1,
    mean_header_count: 10,
    top_user_agent: ua,
    tcp_ttl: stack ? stack.ttl - hops : null,
    tcp_window: stack?.window ?? null,
    tcp_mss: stack?.mss ?? null,
    tcp_options: stack?.options ?? '',
    asn: 16276,
    asn_name: 'OVH',
    asn_label: 'isp',
    bot_ip_label: '',
    bot_ja4_label: '',
  };
}

function human(rng: Rng, i: number): FeatureRow {
  const [, ua, ja4, stack0, headers] = weighted<[number, string, string, Stack, number]>(rng, HUMANS);
  let stack: Stack | null = stack0;
  const noise = rng.next();
  if (noise < 0.03)
    stack = null; // SYN not captured
  else if (noise < 0.05) stack = { ...stack0, ttl: stack0.ttl === 64 ? 128 : 64, mss: 1380 }; // VPN / NAT box
  const r = base(rng, i, `90.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}`, ja4, ua, stack);
  const [asn, name] = pick(rng, [
    [16276, 'OVH'],
    [15557, 'SFR'],
    [3215, 'Orange'],
  ] as const);
  r.asn = asn;
  r.asn_name = name;
  r.requests = Math.max(1, Math.round(around(rng, 12, 0.8)));
  r.distinct_paths = Math.max(1, Math.round(r.requests * between(rng, 0.3, 0.9)));
  r.ratio_4xx = rng.next() < 0.7 ? 0 : between(rng, 0.01, 0.15);
  r.ratio_5xx = rng.next() < 0.95 ? 0 : between(rng, 0.01, 0.05);
  r.ratio_post = rng.next() < 0.8 ? 0 : between(rng, 0.02, 0.2);
  r.login_hits = rng.next() < 0.9 ? 0 : intBetween(rng, 1, 2);
  r.distinct_user_agents = rng.next() < 0.95 ? 1 : 2;
  r.mean_header_count = headers + between(rng, -1.5, 1.5);
  return r;
}

function datacenter(r: FeatureRow, rng: Rng): FeatureRow {
  const [asn, name] = pick(rng, [
    [51167, 'Contabo'],
    [14061, 'DigitalOcean'],
    [24940, 'Hetzner'],
    [16509, 'Amazon'],
  ] as const);
  r.asn = asn;
  r.asn_name = name;
  r.asn_label = rng.next() < 0.15 ? 'tor' : 'hosting';
  r.src_ip = `45.155.${rng.int(0, 255)}.${rng.int(0, 255)}`;
  return r;
}

function scanner(rng: Rng, i: number): FeatureRow {
  const kind = rng.next();
  const [ja4, ua, stack] =
    kind < 0.3
      ? [JA4.go, CHROME_WIN, LINUX] // nuclei: browser UA, Go TLS
      : kind < 0.5
        ? [JA4.go, 'Mozilla/5.0 zgrab/0.x', LINUX]
        : kind < 0.65
          ? [JA4.python, 'sqlmap/1.7.2#stable (https://sqlmap.org)', LINUX]
          : kind < 0.85
            ? [JA4.curl, 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)', LINUX]
            : ['', 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)', MINIMAL];
  const r = datacenter(base(rng, i, '', ja4, ua, stack), rng);
  r.requests = Math.max(3, Math.round(around(rng, 40, 0.9)));
  r.distinct_paths = Math.max(1, Math.round(r.requests * between(rng, 0.6, 1)));
  r.ratio_4xx = between(rng, 0.5, 0.98);
  r.ratio_5xx = rng.next() < 0.6 ? 0 : between(rng, 0.01, 0.1);
  r.ratio_post = rng.next() < 0.7 ? 0 : between(rng, 0.02, 0.2);
  r.login_hits = rng.next() < 0.5 ? 0 : intBetween(rng, 1, 4);
  r.distinct_user_agents = rng.next() < 0.8 ? 1 : intBetween(rng, 2, 4);
  r.mean_header_count = between(rng, 3, 7);
  return r;
}

function bruteforce(rng: Rng, i: number): FeatureRow {
  const [ja4, ua] = pick(rng, [
    [JA4.python, 'python-requests/2.31.0'],
    [JA4.python, 'python-requests/2.28.2'],
    [JA4.curl, 'curl/7.88.1'],
    [JA4.go, 'Go-http-client/1.1'],
  ] as const);
  let r = base(rng, i, `78.41.${rng.int(0, 255)}.${rng.int(0, 255)}`, ja4, ua, LINUX);
  // A quarter come through residential proxies: a human ASN, so they are in the baseline.
  if (rng.next() >= 0.25) r = datacenter(r, rng);
  r.requests = intBetween(rng, 20, 50);
  r.distinct_paths = 1;
  r.ratio_4xx = between(rng, 0.9, 1);
  r.ratio_post = between(rng, 0.95, 1);
  r.login_hits = r.requests;
  r.mean_header_count = between(rng, 4, 7);
  return r;
}

function knownBot(rng: Rng, i: number): FeatureRow {
  const [ja4, ua, label] = pick(rng, [
    [JA4.python, 'python-requests/2.31.0', 'python-requests'],
    [JA4.go, 'Go-http-client/1.1', 'go-http-client'],
    [JA4.curl, 'curl/7.88.1', 'curl'],
  ] as const);
  const r = datacenter(base(rng, i, '', ja4, ua, LINUX), rng);
  r.requests = intBetween(rng, 2, 12);
  r.distinct_paths = r.requests;
  r.ratio_4xx = rng.next() < 0.8 ? 0 : between(rng, 0.05, 0.2);
  r.mean_header_count = between(rng, 3, 6);
  r.bot_ja4_label = label;
  if (rng.next() < 0.5) r.bot_ip_label = 'scanner-list';
  return r;
}

/** Share of each scenario in a set, in the seeder's proportions (720 : 150 : 100 : 20 sessions). */
export const SYNTHETIC_MIX: readonly (readonly [number, SyntheticLabel])[] = [
  [720, 'human'],
  [150, 'scanner'],
  [100, 'known_bot'],
  [20, 'bruteforce'],
];

/** `n` labelled rows for a seed; the same (n, seed) always gives the same rows. */
export function syntheticRows(n: number, seed = 1): LabelledRow[] {
  const rng = createRng(seed);
  const out: LabelledRow[] = [];
  for (let i = 0; i < n; i++) {
    const [, label] = weighted<[number, SyntheticLabel]>(rng, SYNTHETIC_MIX);
    const row =
      label === 'human'
        ? human(rng, i)
        : label === 'scanner'
          ? scanner(rng, i)
          : label === 'bruteforce'
            ? bruteforce(rng, i)
            : knownBot(rng, i);
    out.push({ row, label });
  }
  return out;
}
