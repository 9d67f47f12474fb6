import type { TcpStack } from './coherence.js';
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  type FeatureName,
  type FeatureRow,
  type RowFacts,
  TLS_FEATURES,
} from './features.js';
import type { FeatureMatrix } from './model/matrix.js';
import type { TlsFamily } from './tls-family.js';

/**
 * Why a row was flagged, for an analyst: the features on which the row is furthest from the
 * baseline (robust distance: |x − median| over the baseline's spread), each as a structured
 * reason (a stable code, the words, the row's value and the baseline's typical value). A row
 * without TLS gets no TLS reasons. The verdict's own reasons (lists, declared automation, network
 * kind, analyst decisions) come from verdicts.ts in the same shape.
 */
export interface BaselineStats {
  median: number[];
  /** Robust spread per feature: IQR / 1.349 (the σ of a normal with that IQR), floored. */
  scale: number[];
}

export interface Reason {
  /** Stable code: a feature name, or a signal's code (known_bot_ja4, declared_tool, analyst_allow…). */
  code: string;
  /** The sentence an analyst reads. */
  words: string;
  /** The row's value, as shown ('' when a reason has none). */
  value: string;
  /** The baseline's typical value ('' when a reason has none). */
  typical: string;
}

interface Ranked extends Reason {
  /** Distance from the baseline in robust standard deviations. */
  distance: number;
}

/**
 * Smallest difference worth a word per feature, in the feature's own units: below it a row is
 * not "different" even if the baseline is tight (half a header, 5 points of a ratio, ×1.35 of a
 * log-scaled count).
 */
const MIN_SCALE: Record<FeatureName, number> = {
  requests_log: 0.3,
  distinct_paths_log: 0.3,
  ratio_4xx: 0.05,
  ratio_post: 0.05,
  login_hits_log: 0.3,
  distinct_user_agents: 0.5,
  mean_header_count: 0.5,
  ja4_host_rarity: 0.3,
  ja4_ip_spread_log: 0.3,
  ja4_ua_spread_log: 0.3,
  tls_cipher_count: 1,
  tls_extension_count: 1,
  ua_tls_mismatch: 0.2,
  ua_tcp_mismatch: 0.2,
  declared_automation: 0.2,
  network_risk: 0.2,
};

/** A feature is named as a reason from this many robust standard deviations away. */
export const REASON_MIN_DISTANCE = 3;

export function baselineStats(x: FeatureMatrix): BaselineStats {
  const median: number[] = [];
  const scale: number[] = [];
  const buf = new Float64Array(x.rows);
  for (let c = 0; c < x.cols; c++) {
    // Features that do not apply to a row (NaN) are left out of its column's quantiles.
    let n = 0;
    for (let r = 0; r < x.rows; r++) {
      const v = x.data[r * x.cols + c];
      if (!Number.isNaN(v)) buf[n++] = v;
    }
    const col = buf.subarray(0, n).sort();
    const q = (p: number) => (n === 0 ? 0 : col[Math.min(n - 1, Math.floor(p * (n - 1)))]);
    median.push(q(0.5));
    scale.push(Math.max((q(0.75) - q(0.25)) / 1.349, MIN_SCALE[FEATURE_NAMES[c]] ?? 0.1));
  }
  return { median, scale };
}

/** The feature reasons for one row, most telling first: at most `max` of them. */
export function explainRow(
  x: FeatureMatrix,
  row: number,
  source: FeatureRow,
  facts: RowFacts,
  stats: BaselineStats,
  max = 3,
): Reason[] {
  const found: Ranked[] = [];
  for (let c = 0; c < FEATURE_COUNT; c++) {
    const name = FEATURE_NAMES[c];
    // declared_automation and network_risk are the verdict's own signals, worded there.
    if (name === 'declared_automation' || name === 'network_risk') continue;
    if (!facts.hasTls && TLS_FEATURES.has(name)) continue;
    const v = x.data[row * x.cols + c];
    const distance = Math.abs(v - stats.median[c]) / stats.scale[c];
    if (!(distance >= REASON_MIN_DISTANCE)) continue;
    const words = describe(name, v, stats.median[c], source, facts);
    if (words)
      found.push({ code: name, words, distance, ...values(name, v, stats.median[c], source, facts) });
  }
  found.sort((a, b) => b.distance - a.distance);
  return found.slice(0, max).map(({ distance: _d, ...r }) => r);
}

/** The reasons as one line for ml_detected_anomalies.reason. */
export function formatReasons(reasons: readonly Reason[]): string {
  return reasons.map((r) => r.words).join('; ');
}

/** The row's value and the typical one, in the units an analyst reads. */
function values(
  name: FeatureName,
  v: number,
  med: number,
  r: FeatureRow,
  f: RowFacts,
): { value: string; typical: string } {
  switch (name) {
    case 'requests_log':
      return { value: String(r.requests), typical: String(count(med)) };
    case 'distinct_paths_log':
      return { value: String(r.distinct_paths), typical: String(count(med)) };
    case 'login_hits_log':
      return { value: String(r.login_hits), typical: String(count(med)) };
    case 'ratio_4xx':
    case 'ratio_post':
      return { value: pct(v), typical: pct(med) };
    case 'ja4_host_rarity':
      return { value: shareText(f.ja4HostShare), typical: shareText(10 ** -med) };
    case 'ja4_ip_spread_log':
      return { value: String(f.ja4Ips), typical: String(count(med)) };
    case 'ja4_ua_spread_log':
      return { value: String(f.ja4Uas), typical: String(count(med)) };
    case 'ua_tls_mismatch':
      return { value: TLS_WORDS[f.tls.family], typical: CLIENT_WORDS[f.claim.client] ?? '' };
    case 'ua_tcp_mismatch':
      return { value: TCP_WORDS[f.tcp], typical: OS_WORDS[f.claim.os] ?? '' };
    default:
      return { value: String(round1(v)), typical: String(round1(med)) };
  }
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const count = (logValue: number) => Math.round(Math.expm1(logValue));
const round1 = (v: number) => Math.round(v * 10) / 10;

function describe(name: FeatureName, v: number, med: number, r: FeatureRow, f: RowFacts): string | undefined {
  const more = v > med;
  switch (name) {
    case 'requests_log':
      return `${r.requests} requests in the hour (typical: ${count(med)})`;
    case 'distinct_paths_log':
      return `${more ? '' : 'only '}${r.distinct_paths} distinct paths (typical: ${count(med)})`;
    case 'ratio_4xx':
      return `${pct(v)} of responses were client errors (4xx; typical: ${pct(med)})`;
    case 'ratio_post':
      return `${pct(v)} of requests were POSTs (typical: ${pct(med)})`;
    case 'login_hits_log':
      return `${r.login_hits} requests to login pages (typical: ${count(med)})`;
    case 'distinct_user_agents':
      return `${r.distinct_user_agents} different user agents from one IP and TLS fingerprint (typical: ${round1(med)})`;
    case 'mean_header_count':
      return `${round1(v)} HTTP headers per request (typical: ${round1(med)})${more ? '' : ', as scripts send'}`;
    case 'ja4_host_rarity':
      return more
        ? `TLS fingerprint rare on this host: ${shareText(f.ja4HostShare)} of its requests`
        : `TLS fingerprint unusually common on this host: ${shareText(f.ja4HostShare)} of its requests`;
    case 'ja4_ip_spread_log':
      return `TLS fingerprint shared by ${f.ja4Ips} source IPs (typical: ${count(med)})`;
    case 'ja4_ua_spread_log':
      return `TLS fingerprint seen with ${f.ja4Uas} different user agents (typical: ${count(med)})`;
    case 'tls_cipher_count':
      return `TLS client offers ${v} cipher suites (typical: ${med}), a different TLS library`;
    case 'tls_extension_count':
      return `TLS client sends ${v} extensions (typical: ${med}), a different TLS library`;
    case 'ua_tls_mismatch':
      if (v >= 1)
        return `user agent claims ${CLIENT_WORDS[f.claim.client]} but the TLS fingerprint is ${TLS_WORDS[f.tls.family]}`;
      return v > med
        ? `the TLS fingerprint (${r.ja4 || 'none'}) cannot confirm the claimed ${CLIENT_WORDS[f.claim.client]}`
        : undefined;
    case 'ua_tcp_mismatch':
      if (v >= 1) {
        return `user agent claims ${OS_WORDS[f.claim.os]} but the TCP SYN looks like ${TCP_WORDS[f.tcp]} (${synText(r)})`;
      }
      return v > med ? `no TCP SYN to confirm the claimed ${OS_WORDS[f.claim.os]}` : undefined;
  }
}

function shareText(share: number): string {
  return share >= 0.01 ? pct(share) : `${(share * 100).toPrecision(2)}%`;
}

function synText(r: FeatureRow): string {
  const parts = [`TTL ${r.tcp_ttl ?? '?'}`, `window ${r.tcp_window ?? '?'}`];
  if (r.tcp_mss !== null) parts.push(`MSS ${r.tcp_mss}`);
  parts.push(`options ${r.tcp_options || 'none'}`);
  return parts.join(', ');
}

const CLIENT_WORDS: Record<string, string> = {
  chromium: 'Chrome/Chromium',
  firefox: 'Firefox',
  safari: 'Safari',
  tool: 'a script or tool',
  crawler: 'a crawler',
  none: 'nothing (empty user agent)',
  other: 'an uncommon browser',
};
const TLS_WORDS: Record<TlsFamily, string> = {
  chromium: "Chromium's",
  firefox: "Firefox's",
  safari: "Safari's",
  tool: "an HTTP library's or tool's (curl, Python, Go…)",
  malware: "a known malware agent's",
  other: 'an uncommon client',
  unknown: 'unknown',
  none: 'absent (no TLS)',
};
const OS_WORDS: Record<string, string> = {
  windows: 'Windows',
  mac: 'macOS',
  ios: 'iOS',
  linux: 'Linux',
  android: 'Android',
  unknown: 'an unknown OS',
};
const TCP_WORDS: Record<TcpStack, string> = {
  windows: 'Windows',
  linux: 'Linux',
  apple: 'macOS/iOS',
  unix: 'Linux or macOS (TTL 64)',
  scanner: 'a raw-socket scanner',
  unknown: 'nothing known',
};
