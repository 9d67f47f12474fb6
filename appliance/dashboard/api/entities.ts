import { pageOut, pageQuery, RangeOut, Reason, rangeQuery } from './common.js';
import { type Static, T } from './schema.js';

const n = T.Number();
const s = T.String();

export const EntityRangeQuery = T.Object(rangeQuery);
export type EntityRangeQuery = Static<typeof EntityRangeQuery>;
export const EntityPageQuery = T.Object({ ...rangeQuery, ...pageQuery });
export type EntityPageQuery = Static<typeof EntityPageQuery>;

/** One feature of a scored row: its value and the typical value of unflagged human rows. */
export const FeatureValue = T.Object({ name: s, label: s, value: n, typical: T.Nullable(n) });
export type FeatureValue = Static<typeof FeatureValue>;

/** Why the detector flagged a row, or did not. */
export const Explanation = T.Object({
  hour: n,
  host: s,
  ja4: s,
  score: n,
  threshold: n,
  flagged: T.Boolean(),
  reasons: T.Array(Reason),
  /** Features, furthest from typical first. */
  features: T.Array(FeatureValue),
});
export type Explanation = Static<typeof Explanation>;

export const ScorePoint = T.Object({
  hour: n,
  host: s,
  ja4: s,
  score: n,
  threshold: n,
  flagged: T.Boolean(),
});
export type ScorePoint = Static<typeof ScorePoint>;

export const IpDetailResponse = T.Object({
  ip: s,
  range: RangeOut,
  summary: T.Object({
    requests: n,
    first_seen: s,
    last_seen: s,
    asn: n,
    asn_name: s,
    asn_label: s,
    bot_ip_label: s,
    hosts: T.Array(s),
    correlated_ratio: n,
  }),
  /** One point per bucket of the range (zeros included). */
  timeline: T.Object({ t: T.Array(n), hits: T.Array(n), errors: T.Array(n) }),
  paths: T.Array(T.Object({ path: s, hits: n, methods: T.Array(s) })),
  statuses: T.Array(T.Object({ status: n, hits: n })),
  fingerprints: T.Array(
    T.Object({
      ja4: s,
      ja3: s,
      tls_version: s,
      tcp_ttl: T.Nullable(n),
      tcp_window: T.Nullable(n),
      tcp_options: s,
      bot_ja4_label: s,
      hits: n,
    }),
  ),
  user_agents: T.Array(T.Object({ user_agent: s, hits: n })),
  scores: T.Array(ScorePoint),
  recurrence: T.Object({
    days_flagged: n,
    hours_flagged: n,
    first_flagged: s,
    last_flagged: s,
    max_score: n,
  }),
  explanation: T.Nullable(Explanation),
});
export type IpDetailResponse = Static<typeof IpDetailResponse>;

export const RequestRow = T.Object({
  time: s,
  method: s,
  host: s,
  path: s,
  query: s,
  status: n,
  user_agent: s,
  ja4: s,
  conn_ip: s,
  conn_port: n,
});
export type RequestRow = Static<typeof RequestRow>;
export const IpRequestsResponse = T.Object({ ...pageOut, rows: T.Array(RequestRow) });
export type IpRequestsResponse = Static<typeof IpRequestsResponse>;

export const DecodedJa4 = T.Object({
  ja4: s,
  valid: T.Boolean(),
  protocol: T.Optional(s),
  tls_version: T.Optional(s),
  sni: T.Optional(s),
  cipher_count: T.Optional(n),
  extension_count: T.Optional(n),
  alpn: T.Optional(s),
  cipher_hash: T.Optional(s),
  extension_hash: T.Optional(s),
});
export type DecodedJa4 = Static<typeof DecodedJa4>;

export const FingerprintResponse = T.Object({
  range: RangeOut,
  decoded: DecodedJa4,
  summary: T.Object({
    requests: n,
    known_bot_requests: n,
    flagged_requests: n,
    ips: n,
    asns: n,
    user_agents: n,
    paths: n,
    first_seen: s,
    last_seen: s,
    ja4_r: s,
    ja3s: T.Array(s),
    tls_versions: T.Array(s),
    alpns: T.Array(s),
  }),
  user_agents: T.Array(T.Object({ user_agent: s, hits: n })),
  hosts: T.Array(T.Object({ host: s, hits: n })),
  known_label: T.Object({ label: s, note: s }),
  scores: T.Object({
    threshold: T.Nullable(n),
    histogram: T.Array(T.Object({ lo: n, hi: n, rows: n, flagged: n })),
  }),
});
export type FingerprintResponse = Static<typeof FingerprintResponse>;

export const FingerprintIp = T.Object({
  ip: s,
  hits: n,
  asn: n,
  asn_name: s,
  asn_label: s,
  bot_ip_label: s,
});
export type FingerprintIp = Static<typeof FingerprintIp>;
export const FingerprintIpsResponse = T.Object({ ...pageOut, rows: T.Array(FingerprintIp) });
export type FingerprintIpsResponse = Static<typeof FingerprintIpsResponse>;
