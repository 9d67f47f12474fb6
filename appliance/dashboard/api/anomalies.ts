import { BOTS, pageOut, pageQuery, RangeOut, Reason, rangeQuery } from './common.js';
import { type Static, T } from './schema.js';

export const ANOMALY_SORTS = [
  'score',
  'src_ip',
  'requests',
  'first_seen',
  'last_seen',
  'recurrence_days',
  'asn',
] as const;
export type AnomalySort = (typeof ANOMALY_SORTS)[number];
export const ALERT_STATES = ['new', 'acknowledged', 'resolved', 'false_positive'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const BLOCKLIST_FORMATS = ['nginx', 'ipset', 'plain', 'ja4', 'json'] as const;
export type BlocklistFormat = (typeof BLOCKLIST_FORMATS)[number];

/**
 * The anomalies filter. The table, its exports and its blocklists take exactly these keys, so a
 * download is always the set the analyst is looking at.
 */
export const anomalyFilter = {
  ...rangeQuery,
  /**
   * Case-insensitive text matched against the IP, and the ASN name, reason words, JA4, host and
   * labels of any of the IP's current rows, or an exact AS number ("AS64500" or "64500").
   */
  q: T.Optional(T.String({ maxLength: 200 })),
  min_score: T.Optional(T.Number({ minimum: 0, maximum: 1 })),
  asn_label: T.Optional(T.String({ maxLength: 32 })),
  bots: T.Optional(T.Enum(BOTS, { default: 'exclude' })),
  sort: T.Optional(T.Enum(ANOMALY_SORTS, { default: 'score' })),
  order: T.Optional(T.Enum(['asc', 'desc'] as const, { default: 'desc' })),
};
export const AnomaliesQuery = T.Object({ ...anomalyFilter, ...pageQuery });
export type AnomaliesQuery = Static<typeof AnomaliesQuery>;
export const AnomalyFilter = T.Object(anomalyFilter);
export type AnomalyFilter = Static<typeof AnomalyFilter>;

export const ExportQuery = T.Object({
  ...anomalyFilter,
  format: T.Optional(T.Enum(['csv', 'json'] as const, { default: 'csv' })),
});
export type ExportQuery = Static<typeof ExportQuery>;
export const BlocklistQuery = T.Object({
  ...anomalyFilter,
  format: T.Optional(T.Enum(BLOCKLIST_FORMATS, { default: 'plain' })),
});
export type BlocklistQuery = Static<typeof BlocklistQuery>;

const n = T.Number();
/** One flagged address of the anomalies table: its rows in the range, aggregated. */
export const FlaggedIp = T.Object({
  src_ip: T.String(),
  score: n,
  /** The reasons of its top-scored row. */
  reasons: T.Array(Reason),
  requests: n,
  ja4s: T.Array(T.String()),
  hosts: T.Array(T.String()),
  asn: n,
  asn_name: T.String(),
  asn_label: T.String(),
  bot_ip_label: T.String(),
  bot_ja4_label: T.String(),
  top_user_agent: T.String(),
  first_seen: T.String(),
  last_seen: T.String(),
  recurrence_days: n,
  recurrence_hours: n,
  /** The alert's state (the least advanced of its rows'), and the analyst's label if any. */
  state: T.Enum(ALERT_STATES),
  label: T.String(),
});
export type FlaggedIp = Static<typeof FlaggedIp>;

export const AnomaliesResponse = T.Object({ range: RangeOut, ...pageOut, rows: T.Array(FlaggedIp) });
export type AnomaliesResponse = Static<typeof AnomaliesResponse>;
