import type { ClickHouseClient } from '@clickhouse/client';
import type { CorrelatedRow } from '../../appliance/common/events/correlated-row.js';
import { createRng, type Rng } from '../../appliance/common/prng.js';
import { insertRawLines } from '../../appliance/demo/index.js';
import { sessionRows } from '../../appliance/demo/seed-rows.js';
import { humanSession, type RequestIntent, type SessionClient } from '../../appliance/demo/seed-sessions.js';
import { TLS_FINGERPRINTS, type TlsFingerprint } from '../../appliance/demo/tls-fingerprints.js';

/**
 * Traffic for the detector's integration tests, with no demo seed: browser visits (the demo's
 * visit builder: a Chrome, Firefox or Safari UA with that engine's JA4 and the OS's SYN, pages
 * with their subresources) from residential ISP ranges, and tools with the UA they really send,
 * from hosting ranges. Addresses come from ranges the shipped ip_asn.csv maps (Orange, Comcast,
 * Deutsche Telekom, Free; DigitalOcean, Hetzner, AWS).
 */
export const RESIDENTIAL = ['90.12.', '73.45.', '79.200.', '82.65.'] as const;
export const HOSTING = ['104.131.', '88.198.', '18.184.'] as const;

export function ipIn(prefix: string, n: number): string {
  return `${prefix}${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}

/** `count` browser visits, one address each, starting in [startUs, startUs + spreadUs). */
export function browserVisits(
  count: number,
  startUs: number,
  spreadUs: number,
  seed = 'visits',
): CorrelatedRow[] {
  const rows: CorrelatedRow[] = [];
  for (let i = 0; i < count; i++) {
    const rng = createRng(seed, 'visit', i);
    const script = humanSession(rng);
    const ip = ipIn(RESIDENTIAL[i % RESIDENTIAL.length], 1000 + i);
    const begin = startUs + Math.floor(rng.next() * spreadUs);
    rows.push(...sessionRows({ sessionId: 10_000 + i, clientIp: ip, startUs: begin, hops: 12, script }, rng));
  }
  return rows;
}

const WGET: TlsFingerprint = {
  ...TLS_FINGERPRINTS.curl,
  id: 'curl',
  client: 'GNU Wget 1.21.3 / GnuTLS',
  ja4: 't13d291300_723694b0fccc_899037bd0b8c',
  alpn: [],
};

export type ToolKind = 'curl' | 'wget' | 'python-chrome-ua' | 'curl-unlisted';

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

function toolClient(kind: ToolKind): SessionClient {
  const base = { tcp: 'linux' as const, keepAlive: false };
  switch (kind) {
    case 'curl':
      return { ...base, id: 'curl', tls: TLS_FINGERPRINTS.curl, headers: 'curl', userAgent: 'curl/7.88.1' };
    case 'wget':
      return { ...base, id: 'wget', tls: WGET, headers: 'curl', userAgent: 'Wget/1.21.3' };
    case 'curl-unlisted':
      // A curl build whose JA4 no list names: only its honest UA gives it away.
      return {
        ...base,
        id: 'curl-unlisted',
        tls: { ...TLS_FINGERPRINTS.curl, ja4: 't13d3113h2_e8f1e7e78f70_0000000000ab' },
        headers: 'curl',
        userAgent: 'curl/8.5.0',
      };
    case 'python-chrome-ua':
      return {
        ...base,
        id: 'python',
        tls: TLS_FINGERPRINTS['python-requests'],
        headers: 'python',
        userAgent: CHROME_UA,
        keepAlive: true,
      };
  }
}

/** A tool's session: `n` requests over a few site paths, fast, as scripts make them. */
export function toolSession(
  kind: ToolKind,
  ip: string,
  startUs: number,
  n: number,
  sessionId: number,
): CorrelatedRow[] {
  const rng: Rng = createRng('tool', kind, sessionId);
  const intents: RequestIntent[] = Array.from({ length: n }, (_, i) => ({
    method: 'GET',
    path: i % 3 === 0 ? `/admin/${i}` : `/products/${100 + i}`,
    query: '',
    kind: 'page',
    status: i % 3 === 0 ? 404 : 200,
    bytes: 3_000,
    durationUs: 2_000,
    gapMs: i === 0 ? 0 : 150,
    referer: '',
    contentLength: 0,
  }));
  const script = { client: toolClient(kind), host: 'www.example.com', language: 'en-US', intents };
  return sessionRows({ sessionId, clientIp: ip, startUs, hops: 14, script }, rng);
}

/** Writes rows into http_logs_raw (the materialized views fill the rest, as with live traffic). */
export async function insertTraffic(
  client: ClickHouseClient,
  rows: readonly CorrelatedRow[],
  token: string,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5_000) {
    const batch = rows.slice(i, i + 5_000).map((r) => JSON.stringify(r));
    await insertRawLines(client, batch, `${token}-${i}`);
  }
}
