import { declaredAutomation, type TcpStack, tcpStack, uaTcpMismatch, uaTlsMismatch } from './coherence.js';
import { createMatrix, type FeatureMatrix } from './model/matrix.js';
import { networkRisk } from './network.js';
import { type FamilyTable, type TlsIdentity, tlsIdentity } from './tls-family.js';
import { parseUserAgent, type UaClaim } from './user-agent.js';

/**
 * One row of ja4_processing.view_ai_features_1h as the detector reads it: one (hour, host,
 * src_ip, ja4), with the network's ASN and kind and the known-bot labels looked up when the row
 * is read (store.ts), so lists loaded after the requests arrived still apply.
 */
export interface FeatureRow {
  hour: string;
  host: string;
  src_ip: string;
  ja4: string;
  requests: number;
  distinct_paths: number;
  ratio_4xx: number;
  /** Selected but not a model input: 5xx are the server's failures more than the client's doing. */
  ratio_5xx: number;
  ratio_post: number;
  login_hits: number;
  distinct_user_agents: number;
  mean_header_count: number;
  top_user_agent: string;
  tcp_ttl: number | null;
  tcp_window: number | null;
  tcp_mss: number | null;
  tcp_options: string;
  asn: number;
  asn_name: string;
  /** The network's kind (asn_reputation: isp, mobile, hosting, cloud, cdn, vpn, tor, ...; unknown). */
  asn_label: string;
  bot_ip_label: string;
  bot_ja4_label: string;
}

/** The model's inputs, in column order. Names are what ml_all_scores.features is keyed by. */
export const FEATURE_NAMES = [
  'requests_log',
  'distinct_paths_log',
  'ratio_4xx',
  'ratio_post',
  'login_hits_log',
  'distinct_user_agents',
  'mean_header_count',
  'ja4_host_rarity',
  'ja4_ip_spread_log',
  'ja4_ua_spread_log',
  'tls_cipher_count',
  'tls_extension_count',
  'ua_tls_mismatch',
  'ua_tcp_mismatch',
  'declared_automation',
  'network_risk',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Features that describe the TLS handshake: NaN (not applicable) on a row without TLS. */
export const TLS_FEATURES: ReadonlySet<FeatureName> = new Set([
  'ja4_host_rarity',
  'ja4_ip_spread_log',
  'ja4_ua_spread_log',
  'tls_cipher_count',
  'tls_extension_count',
  'ua_tls_mismatch',
]);
export const TLS_COLUMNS: readonly number[] = FEATURE_NAMES.flatMap((n, i) =>
  TLS_FEATURES.has(n) ? [i] : [],
);

/** What the window as a whole says about each JA4: how common it is per host and who shares it. */
export interface Ja4Context {
  /** host → total requests in the window. */
  hostRequests: ReadonlyMap<string, number>;
  /** host + '\t' + ja4 → requests with that JA4 on that host. */
  hostJa4Requests: ReadonlyMap<string, number>;
  /** ja4 → distinct source IPs / user agents seen with it. */
  ja4Ips: ReadonlyMap<string, number>;
  ja4Uas: ReadonlyMap<string, number>;
}

/** Per-row facts derived while building features, kept for baseline.ts, verdicts.ts and reasons.ts. */
export interface RowFacts {
  claim: UaClaim;
  tls: TlsIdentity;
  tcp: TcpStack;
  hasTls: boolean;
  /** Share of the host's requests made with this JA4, in [0, 1]. */
  ja4HostShare: number;
  ja4Ips: number;
  ja4Uas: number;
}

/** The JA4 context of a set of rows on their own (tests; the cycle reads it for the whole window). */
export function buildJa4Context(rows: readonly FeatureRow[]): Ja4Context {
  const hostRequests = new Map<string, number>();
  const hostJa4Requests = new Map<string, number>();
  const ips = new Map<string, Set<string>>();
  const uas = new Map<string, Set<string>>();
  for (const r of rows) {
    hostRequests.set(r.host, (hostRequests.get(r.host) ?? 0) + r.requests);
    const key = `${r.host}\t${r.ja4}`;
    hostJa4Requests.set(key, (hostJa4Requests.get(key) ?? 0) + r.requests);
    addTo(ips, r.ja4, r.src_ip);
    addTo(uas, r.ja4, r.top_user_agent);
  }
  const count = (m: Map<string, Set<string>>) => new Map([...m].map(([k, v]) => [k, v.size]));
  return { hostRequests, hostJa4Requests, ja4Ips: count(ips), ja4Uas: count(uas) };
}

function addTo(m: Map<string, Set<string>>, key: string, value: string): void {
  let set = m.get(key);
  if (!set) {
    set = new Set();
    m.set(key, set);
  }
  set.add(value);
}

/** Caches of the per-row parses: few distinct user agents, JA4s and SYNs per window. */
class Parses {
  private claims = new Map<string, UaClaim>();
  private families = new Map<string, TlsIdentity>();
  private stacks = new Map<string, TcpStack>();
  constructor(private readonly table: FamilyTable) {}
  claim(ua: string): UaClaim {
    return cached(this.claims, ua, () => parseUserAgent(ua));
  }
  tls(ja4: string): TlsIdentity {
    return cached(this.families, ja4, () => tlsIdentity(ja4, this.table));
  }
  tcp(r: FeatureRow): TcpStack {
    return cached(this.stacks, `${r.tcp_ttl}/${r.tcp_window}/${r.tcp_options}`, () =>
      tcpStack(r.tcp_ttl, r.tcp_window, r.tcp_options),
    );
  }
}

function cached<T>(m: Map<string, T>, key: string, make: () => T): T {
  let v = m.get(key);
  if (v === undefined) {
    v = make();
    m.set(key, v);
  }
  return v;
}

/**
 * Turns view rows into the model's matrix. Counts are log-scaled (log1p) so that one heavy
 * client does not stretch a feature's range and leave every other row in one split; ratios stay
 * in [0, 1]; the coherence features are 0 (consistent), 0.5 (cannot tell) or 1 (contradiction).
 * A row without TLS gets NaN in the TLS features (TLS_FEATURES): they do not apply, and
 * imputeMissing() gives them the baseline's values before the model sees them.
 */
export function buildFeatures(
  rows: readonly FeatureRow[],
  ctx: Ja4Context = buildJa4Context(rows),
  families: FamilyTable = new Map(),
): { matrix: FeatureMatrix; facts: RowFacts[] } {
  const matrix = createMatrix(rows.length, FEATURE_COUNT);
  const facts: RowFacts[] = new Array(rows.length);
  const d = matrix.data;
  const parse = new Parses(families);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const claim = parse.claim(r.top_user_agent);
    const tls = parse.tls(r.ja4);
    const tcp = parse.tcp(r);
    const hasTls = r.ja4 !== '';
    const hostTotal = ctx.hostRequests.get(r.host) ?? r.requests;
    const share =
      hostTotal > 0 ? (ctx.hostJa4Requests.get(`${r.host}\t${r.ja4}`) ?? r.requests) / hostTotal : 1;
    const ja4Ips = ctx.ja4Ips.get(r.ja4) ?? 1;
    const ja4Uas = ctx.ja4Uas.get(r.ja4) ?? 1;
    const o = i * FEATURE_COUNT;
    d[o] = Math.log1p(num(r.requests));
    d[o + 1] = Math.log1p(num(r.distinct_paths));
    d[o + 2] = clamp01(r.ratio_4xx);
    d[o + 3] = clamp01(r.ratio_post);
    d[o + 4] = Math.log1p(num(r.login_hits));
    d[o + 5] = num(r.distinct_user_agents);
    d[o + 6] = num(r.mean_header_count);
    // −log10 of the share: 0 for the host's only JA4, 3 for one request in a thousand; capped so a
    // JA4 seen once on a huge host does not dominate the feature's range.
    d[o + 7] = hasTls ? Math.min(6, -Math.log10(Math.min(1, Math.max(share, 1e-6)))) : Number.NaN;
    d[o + 8] = hasTls ? Math.log1p(ja4Ips) : Number.NaN;
    d[o + 9] = hasTls ? Math.log1p(ja4Uas) : Number.NaN;
    // JA4_a's cipher and extension counts (JA4.md, GREASE excluded): each TLS stack has its own,
    // and the gaps between the browsers' values are where libraries and tools fall.
    d[o + 10] = hasTls ? ja4Count(r.ja4, 4) : Number.NaN;
    d[o + 11] = hasTls ? ja4Count(r.ja4, 6) : Number.NaN;
    d[o + 12] = uaTlsMismatch(claim, tls.family);
    d[o + 13] = uaTcpMismatch(claim, tcp);
    d[o + 14] = declaredAutomation(claim);
    d[o + 15] = networkRisk(r.asn_label);
    facts[i] = { claim, tls, tcp, hasTls, ja4HostShare: share, ja4Ips, ja4Uas };
  }
  return { matrix, facts };
}

/** Replaces every NaN (a feature that does not apply) with that feature's value in `fill`. */
export function imputeMissing(matrix: FeatureMatrix, fill: readonly number[]): void {
  const { data, cols } = matrix;
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) data[i] = fill[i % cols] ?? 0;
}

/** The features of one row as a name → value record (ml_all_scores.features); n/a features left out. */
export function featureRecord(matrix: FeatureMatrix, row: number, facts?: RowFacts): Record<string, number> {
  const out: Record<string, number> = {};
  for (let c = 0; c < FEATURE_COUNT; c++) {
    if (facts && !facts.hasTls && TLS_FEATURES.has(FEATURE_NAMES[c])) continue;
    out[FEATURE_NAMES[c]] = matrix.data[row * matrix.cols + c];
  }
  return out;
}

/** The two-digit count at `offset` of JA4_a ("t13d1516h2": 15 ciphers at 4, 16 extensions at 6); 0 without TLS. */
export function ja4Count(ja4: string, offset: number): number {
  const n = Number.parseInt(ja4.slice(offset, offset + 2), 10);
  return Number.isFinite(n) ? n : 0;
}

function num(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
