import { ALERT_STATES } from './anomalies.js';
import { pageOut, pageQuery, RangeOut, rangeQuery } from './common.js';
import { type Static, T } from './schema.js';

export const LISTS = ['allow', 'deny'] as const;
export type ListName = (typeof LISTS)[number];
export const SUBJECT_KINDS = ['ip', 'cidr', 'ja4', 'asn'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const LABELS = ['false_positive', 'confirmed'] as const;
export type LabelName = (typeof LABELS)[number];

const s = T.String();
const n = T.Number();
const note = T.String({ maxLength: 500 });

export const ListEntry = T.Object({
  id: s,
  list: T.Enum(LISTS),
  subject_kind: T.Enum(SUBJECT_KINDS),
  subject: s,
  note: s,
  created_by: s,
  created_at: s,
  expires_at: T.Nullable(s),
  /** Counts now: not removed and not expired. */
  active: T.Boolean(),
});
export type ListEntry = Static<typeof ListEntry>;
export const ListsResponse = T.Object({ entries: T.Array(ListEntry) });
export type ListsResponse = Static<typeof ListsResponse>;

export const NewListEntry = T.Object({
  list: T.Enum(LISTS),
  subject_kind: T.Enum(SUBJECT_KINDS),
  subject: T.String({ minLength: 1, maxLength: 100 }),
  note,
  /** Unix seconds; absent or null: never expires. */
  expires_at: T.Optional(T.Nullable(T.Integer({ minimum: 0, maximum: 4_102_444_800 }))),
});
export type NewListEntry = Static<typeof NewListEntry>;
export const ListEntryParams = T.Object({ id: T.String({ pattern: '^[0-9a-f-]{36}$' }) });
export type ListEntryParams = Static<typeof ListEntryParams>;

/** A label or a state change applies to every flagged row of one address in a range. */
export const LabelBody = T.Object({
  ...rangeQuery,
  src_ip: T.String({ maxLength: 64 }),
  label: T.Enum(LABELS),
  note,
});
export type LabelBody = Static<typeof LabelBody>;
export const AlertStateBody = T.Object({
  ...rangeQuery,
  src_ip: T.String({ maxLength: 64 }),
  state: T.Enum(ALERT_STATES),
  note,
});
export type AlertStateBody = Static<typeof AlertStateBody>;
export const TriageResult = T.Object({ rows: n });
export type TriageResult = Static<typeof TriageResult>;

export const ALERT_VIEWS = ['open', 'closed', 'all'] as const;
export const AlertsQuery = T.Object({
  ...rangeQuery,
  ...pageQuery,
  view: T.Optional(T.Enum(ALERT_VIEWS, { default: 'open' })),
});
export type AlertsQuery = Static<typeof AlertsQuery>;
/** An address some cycle flagged in the range, whether or not the newest cycle still does. */
export const Alert = T.Object({
  src_ip: s,
  state: T.Enum(ALERT_STATES),
  max_score: n,
  rows: n,
  first_hour: s,
  last_hour: s,
  still_flagged: T.Boolean(),
  changed_by: s,
  note: s,
});
export type Alert = Static<typeof Alert>;
export const AlertsResponse = T.Object({ range: RangeOut, ...pageOut, rows: T.Array(Alert) });
export type AlertsResponse = Static<typeof AlertsResponse>;

export const AuditQuery = T.Object({ ...pageQuery, subject: T.Optional(T.String({ maxLength: 100 })) });
export type AuditQuery = Static<typeof AuditQuery>;
export const AuditRow = T.Object({ ts: s, username: s, action: s, subject_kind: s, subject: s, detail: s });
export type AuditRow = Static<typeof AuditRow>;
export const AuditResponse = T.Object({ ...pageOut, rows: T.Array(AuditRow) });
export type AuditResponse = Static<typeof AuditResponse>;
