import { BOTS, pageOut, pageQuery, RangeOut, rangeQuery } from './common.js';
import { type Static, T } from './schema.js';

export const OverviewQuery = T.Object(rangeQuery);
export type OverviewQuery = Static<typeof OverviewQuery>;

const n = T.Number();
export const OverviewResponse = T.Object({
  range: RangeOut,
  kpis: T.Object({
    requests: n,
    unique_ips: n,
    unique_ja4: n,
    known_bot_requests: n,
    /** Flagged addresses, known bots and allow-listed ones excluded (the anomalies page's total). */
    anomalous_ips: n,
    anomalous_requests: n,
  }),
  series: T.Object({ t: T.Array(n), human: T.Array(n), known_bot: T.Array(n), anomalous: T.Array(n) }),
  top_ja4: T.Array(T.Object({ ja4: T.String(), hits: n, ips: n, known_bot: T.Boolean() })),
  top_hosts: T.Array(T.Object({ host: T.String(), hits: n, ips: n })),
  top_asns: T.Array(T.Object({ asn: n, asn_name: T.String(), asn_label: T.String(), hits: n, ips: n })),
});
export type OverviewResponse = Static<typeof OverviewResponse>;

export const DetectionsQuery = T.Object({ ...rangeQuery, bots: T.Optional(T.Enum(BOTS)) });
export type DetectionsQuery = Static<typeof DetectionsQuery>;

/** The detector's view of the range: its score distribution and the reasons it gave most. */
export const DetectionsResponse = T.Object({
  range: RangeOut,
  /** The threshold of the newest cycle (scores at or above it are flagged); null: no cycle yet. */
  threshold: T.Nullable(n),
  scored_rows: n,
  histogram: T.Array(T.Object({ lo: n, hi: n, rows: n, flagged: n })),
  top_reasons: T.Array(T.Object({ code: T.String(), words: T.String(), rows: n, ips: n })),
});
export type DetectionsResponse = Static<typeof DetectionsResponse>;

export const SIGNAL_SORTS = ['requests', 'ips', 'flagged_share', 'first_seen', 'last_seen', 'asns'] as const;
export const SignalsQuery = T.Object({
  ...rangeQuery,
  ...pageQuery,
  sort: T.Optional(T.Enum(SIGNAL_SORTS, { default: 'requests' })),
  order: T.Optional(T.Enum(['asc', 'desc'] as const, { default: 'desc' })),
  /** Only fingerprints first seen in the last 24 hours. */
  new_only: T.Optional(T.Boolean({ default: false })),
});
export type SignalsQuery = Static<typeof SignalsQuery>;

/** Per-JA4 local signals: how this server's own traffic with a fingerprint behaves. */
export const Ja4Signal = T.Object({
  ja4: T.String(),
  requests: n,
  known_bot_requests: n,
  flagged_requests: n,
  /** Share of the fingerprint's non-bot requests that came from flagged rows, in [0, 1]. */
  flagged_share: n,
  ips: n,
  asns: n,
  user_agents: n,
  paths: n,
  first_seen: T.String(),
  last_seen: T.String(),
  /** First seen within the 24 hours before the range's end. */
  new: T.Boolean(),
});
export type Ja4Signal = Static<typeof Ja4Signal>;
export const SignalsResponse = T.Object({ range: RangeOut, ...pageOut, rows: T.Array(Ja4Signal) });
export type SignalsResponse = Static<typeof SignalsResponse>;
