import type { ClickHouseClient } from '../common/index.js';
import { CycleQueryError, SchemaMissingError } from './errors.js';
import type { FeatureRow } from './features.js';

/**
 * The detector's ClickHouse I/O: read the feature rows of a window from view_ai_features_1h,
 * write every score to ml_all_scores and the anomalies to ml_detected_anomalies. Values are bound
 * with query parameters; numbers are cast in SQL so JSON gives plain numbers (UInt64 would come
 * back quoted).
 */
const READ_FEATURES = `
SELECT
    toString(hour) AS hour,
    toString(host) AS host,
    src_ip,
    toString(ja4) AS ja4,
    toUInt32(requests) AS requests,
    toUInt32(distinct_paths) AS distinct_paths,
    toFloat64(ratio_4xx) AS ratio_4xx,
    toFloat64(ratio_5xx) AS ratio_5xx,
    toFloat64(ratio_post) AS ratio_post,
    toUInt32(login_hits) AS login_hits,
    toUInt32(distinct_user_agents) AS distinct_user_agents,
    toFloat64(mean_header_count) AS mean_header_count,
    top_user_agent,
    tcp_ttl,
    tcp_window,
    tcp_mss,
    tcp_options,
    toUInt32(asn) AS asn,
    asn_name,
    asn_label,
    bot_ip_label,
    bot_ja4_label
FROM
(
    -- Filter in a subquery: the outer aliases (hour as text) would shadow the columns in WHERE.
    SELECT * FROM ja4_processing.view_ai_features_1h
    WHERE hour >= toDateTime({from:UInt32}, 'UTC') AND hour < toDateTime({to:UInt32}, 'UTC')
)
ORDER BY hour, host, src_ip, ja4`;

/** Feature rows with hour in [from, to). */
export async function readFeatureRows(client: ClickHouseClient, from: Date, to: Date): Promise<FeatureRow[]> {
  try {
    const rs = await client.query({
      query: READ_FEATURES,
      query_params: { from: Math.floor(from.getTime() / 1000), to: Math.floor(to.getTime() / 1000) },
      format: 'JSONEachRow',
    });
    return await rs.json<FeatureRow>();
  } catch (err) {
    throw (
      asSchemaError(err, 'view_ai_features_1h') ?? new CycleQueryError('reading view_ai_features_1h', err)
    );
  }
}

export interface ScoreRow {
  scored_at: string;
  cycle_id: string;
  model_version: string;
  hour: string;
  host: string;
  src_ip: string;
  ja4: string;
  score: number;
  threshold: number;
  is_anomaly: boolean;
  requests: number;
  asn: number;
  asn_label: string;
  bot_ip_label: string;
  bot_ja4_label: string;
  features: Record<string, number>;
}

export interface AnomalyRow {
  detected_at: string;
  hour: string;
  host: string;
  src_ip: string;
  ja4: string;
  score: number;
  threshold: number;
  cycle_id: string;
  model_version: string;
  requests: number;
  asn: number;
  asn_name: string;
  asn_label: string;
  bot_ip_label: string;
  bot_ja4_label: string;
  top_user_agent: string;
  reason: string;
  features: Record<string, number>;
}

/** Rows per INSERT: large enough to amortise a round trip, small enough to bound memory. */
const INSERT_BATCH = 50_000;

export async function insertRows(
  client: ClickHouseClient,
  table: 'ml_all_scores' | 'ml_detected_anomalies',
  rows: readonly (ScoreRow | AnomalyRow)[],
): Promise<void> {
  try {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await client.insert({
        table: `ja4_processing.${table}`,
        values: rows.slice(i, i + INSERT_BATCH) as unknown[],
        format: 'JSONEachRow',
      });
    }
  } catch (err) {
    throw asSchemaError(err, table) ?? new CycleQueryError(`writing ${table}`, err);
  }
}

export interface Recurrence {
  src_ip: string;
  days_flagged: number;
  hours_flagged: number;
  first_flagged: string;
}

/**
 * How often each IP was already flagged in the last 30 days, from view_ip_recurrence (which
 * deduplicates ReplacingMergeTree versions with argMax rather than FINAL).
 */
export async function readRecurrence(
  client: ClickHouseClient,
  ips: readonly string[],
): Promise<Map<string, Recurrence>> {
  if (ips.length === 0) return new Map();
  try {
    const rs = await client.query({
      query: `SELECT src_ip, toUInt32(days_flagged) AS days_flagged, toUInt32(hours_flagged) AS hours_flagged,
                     toString(first_flagged) AS first_flagged
              FROM ja4_processing.view_ip_recurrence WHERE src_ip IN {ips:Array(String)}`,
      query_params: { ips: [...new Set(ips)] },
      format: 'JSONEachRow',
    });
    return new Map((await rs.json<Recurrence>()).map((r) => [r.src_ip, r]));
  } catch (err) {
    throw asSchemaError(err, 'view_ip_recurrence') ?? new CycleQueryError('reading view_ip_recurrence', err);
  }
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as DateTime64(3, 'UTC') columns take it. */
export function chTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** A ClickHouse UNKNOWN_TABLE (code 60) becomes a SchemaMissingError naming the object. */
function asSchemaError(err: unknown, object: string): SchemaMissingError | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code === '60' || /UNKNOWN_TABLE|does not exist/i.test(e?.message ?? '')) {
    return new SchemaMissingError(object, err);
  }
  return undefined;
}
