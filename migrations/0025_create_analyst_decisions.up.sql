-- Analyst decisions: allow- and deny-list entries, labels on flagged rows, alert states and the
-- audit trail of every change. The dashboard writes them; the detector, the blocklists and every
-- export read them. Each table keeps every version of an entry (an edit or a removal inserts a
-- newer row), so the audit trail and the current state come from the same rows.

-- Allow- and deny-list entries. `id` names an entry across its versions; the newest `version`
-- wins (readers use argMax(.., version) per id, or FINAL, since ReplacingMergeTree only merges
-- eventually). `subject` is canonical text: an IP in RFC 5952 / dotted-decimal form, a CIDR with
-- its network address, a JA4 (or a JA4 prefix ending in `*`), or an ASN number. An entry counts
-- while `deleted = 0` and `expires_at` is NULL or in the future.
CREATE TABLE IF NOT EXISTS ja4_processing.analyst_lists
(
    id UUID,
    version DateTime64(3, 'UTC'),
    list Enum8('allow' = 1, 'deny' = 2),
    subject_kind Enum8('ip' = 1, 'cidr' = 2, 'ja4' = 3, 'asn' = 4),
    subject String,
    note String,
    created_by LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    expires_at Nullable(DateTime64(3, 'UTC')),
    deleted UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- Labels an analyst puts on a flagged row of ml_detected_anomalies, keyed like it
-- (src_ip, hour, host, ja4); `ja4 = '*'` or `host = '*'` labels every row of that address and hour.
-- `false_positive` rows are never flagged again for that key and feed the baseline;
-- `confirmed` rows stay flagged and are kept out of it.
CREATE TABLE IF NOT EXISTS ja4_processing.analyst_labels
(
    id UUID,
    version DateTime64(3, 'UTC'),
    src_ip String,
    hour DateTime('UTC'),
    host LowCardinality(String),
    ja4 LowCardinality(String),
    label Enum8('false_positive' = 1, 'confirmed' = 2),
    note String,
    created_by LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    deleted UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- The lifecycle of an alert (an address flagged in an hour): new -> acknowledged -> resolved or
-- false_positive. An alert exists from the first cycle that flags the row and is never removed
-- by a later cycle that stops flagging it; only an analyst changes its state. The newest
-- `version` per (src_ip, hour, host, ja4) is the current state.
CREATE TABLE IF NOT EXISTS ja4_processing.analyst_alert_states
(
    src_ip String,
    hour DateTime('UTC'),
    host LowCardinality(String),
    ja4 LowCardinality(String),
    version DateTime64(3, 'UTC'),
    state Enum8('new' = 1, 'acknowledged' = 2, 'resolved' = 3, 'false_positive' = 4),
    note String,
    changed_by LowCardinality(String)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (src_ip, hour, host, ja4);

-- Who did what, when and why: one row per analyst action (list entry added, edited, removed;
-- label set; alert state changed; password changed; logout everywhere). Append only.
CREATE TABLE IF NOT EXISTS ja4_processing.analyst_audit
(
    ts DateTime64(3, 'UTC'),
    username LowCardinality(String),
    action LowCardinality(String),
    subject_kind LowCardinality(String),
    subject String,
    detail String
)
ENGINE = MergeTree
ORDER BY ts;
