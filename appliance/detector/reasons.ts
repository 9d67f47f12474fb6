import type { TcpStack, TlsFamily } from './coherence.js';
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  type FeatureName,
  type FeatureRow,
  type RowFacts,
} from './features.js';
import type { FeatureMatrix } from './model/matrix.js';

/**
 * Why a row was flagged, for an analyst: the features on which the row is furthest from the human
 * baseline (robust distance: |x − median| over the baseline's spread), in words with the row's
 * value and the typical human value, followed by any known-bot labels.
 */
export interface BaselineStats {
  median: number[];
  /** Robust spread per feature: IQR / 1.349 (the σ of a normal with that IQR), floored. */
  scale: number[];
}

export interface Reason {
  feature: FeatureName | 'label';
  /** Distance from the baseline in robust standard deviations (labels: Infinity). */
  distance: number;
  text: string;
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
};

/** A feature is named as a reason from this many robust standard deviations away. */
export const REASON_MIN_DISTANCE = 3;

export function baselineStats(x: FeatureMatrix): BaselineStats {
  const median: number[] = [];
  const scale: number[] = [];
  const col = new Float64Array(x.rows);
  for (let c = 0; c < x.cols; c++) {
    for (let r = 0; r < x.rows; r++) col[r] = x.data[r * x.cols + c];
    col.sort();
    const q = (p: number) => (x.rows === 0 ? 0 : col[Math.min(x.rows - 1, Math.floor(p * (x.rows - 1)))]);
    median.push(q(0.5));
    scale.push(Math.max((q(0.75) - q(0.25)) / 1.349, MIN_SCALE[FEATURE_NAMES[c]] ?? 0.1));
  }
  return { median, scale };
}

/** The reasons for one row, most telling first: at most `max` features, then every label. */
export function explainRow(
  x: FeatureMatrix,
  row: number,
  source: FeatureRow,
  facts: RowFacts,
  stats: BaselineStats,
  max = 3,
): Reason[] {
  const found: Reason[] = [];
  for (let c = 0; c < FEATURE_COUNT; c++) {
    const v = x.data[row * x.cols + c];
    const distance = Math.abs(v - stats.median[c]) / stats.scale[c];
    if (distance < REASON_MIN_DISTANCE) continue;
    const text = describe(FEATURE_NAMES[c], v, stats.median[c], source, facts);
    if (text) found.push({ feature: FEATURE_NAMES[c], distance, text });
  }
  found.sort((a, b) => b.distance - a.distance);
  return [...found.slice(0, max), ...labelReasons(source)];
}

/** Known-bot labels and the network's reputation, as reasons in their own right. */
export function labelReasons(r: FeatureRow): Reason[] {
  const out: Reason[] = [];
  if (r.bot_ip_label)
    out.push({ feature: 'label', distance: Infinity, text: `IP on the known-bot list (${r.bot_ip_label})` });
  if (r.bot_ja4_label) {
    out.push({
      feature: 'label',
      distance: Infinity,
      text: `TLS fingerprint of a known bot (${r.bot_ja4_label})`,
    });
  }
  if (r.asn_label && r.asn_label !== 'human') {
    const name = r.asn_name ? ` ${r.asn_name}` : '';
    out.push({
      feature: 'label',
      distance: Infinity,
      text: `from a ${r.asn_label} network (AS${r.asn}${name})`,
    });
  }
  return out;
}

/** The reasons as one line for ml_detected_anomalies.reason. */
export function formatReasons(reasons: readonly Reason[]): string {
  return reasons.map((r) => r.text).join('; ');
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const count = (logValue: number) => Math.round(Math.expm1(logValue));
const round1 = (v: number) => Math.round(v * 10) / 10;

function describe(name: FeatureName, v: number, med: number, r: FeatureRow, f: RowFacts): string | undefined {
  const more = v > med;
  switch (name) {
    case 'requests_log':
      return `${r.requests} requests in the hour (typical human: ${count(med)})`;
    case 'distinct_paths_log':
      return `${more ? '' : 'only '}${r.distinct_paths} distinct paths (typical human: ${count(med)})`;
    case 'ratio_4xx':
      return `${pct(v)} of responses were client errors (4xx; typical human: ${pct(med)})`;
    case 'ratio_post':
      return `${pct(v)} of requests were POSTs (typical human: ${pct(med)})`;
    case 'login_hits_log':
      return `${r.login_hits} requests to login pages (typical human: ${count(med)})`;
    case 'distinct_user_agents':
      return `${r.distinct_user_agents} different user agents from one IP and TLS fingerprint (typical human: ${round1(med)})`;
    case 'mean_header_count':
      return `${round1(v)} HTTP headers per request (typical human: ${round1(med)})${more ? '' : ', as scripts send'}`;
    case 'ja4_host_rarity':
      return more
        ? `TLS fingerprint rare on this host: ${shareText(f.ja4HostShare)} of its requests`
        : `TLS fingerprint unusually common on this host: ${shareText(f.ja4HostShare)} of its requests`;
    case 'ja4_ip_spread_log':
      return `TLS fingerprint shared by ${f.ja4Ips} source IPs (typical human: ${count(med)})`;
    case 'ja4_ua_spread_log':
      return `TLS fingerprint seen with ${f.ja4Uas} different user agents (typical human: ${count(med)})`;
    case 'tls_cipher_count':
      return `TLS client offers ${v} cipher suites (typical human: ${med}), a different TLS library`;
    case 'tls_extension_count':
      return `TLS client sends ${v} extensions (typical human: ${med}), a different TLS library`;
    case 'ua_tls_mismatch':
      if (v >= 1)
        return `user agent claims ${CLIENT_WORDS[f.claim.client]} but the TLS fingerprint is ${TLS_WORDS[f.tls]}`;
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
  none: 'nothing (empty user agent)',
  other: 'an uncommon browser',
};
const TLS_WORDS: Record<TlsFamily, string> = {
  chromium: "Chromium's",
  firefox: "Firefox's",
  safari: "Safari's",
  tool: "an HTTP library's or tool's (curl, Python, Go…)",
  unknown: 'unknown',
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
