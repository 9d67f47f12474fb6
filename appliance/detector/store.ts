import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../common/index.js';
import { CycleQueryError, SchemaMissingError } from './errors.js';
import type { FeatureRow, Ja4Context } from './features.js';
import type { Reason } from './reasons.js';

/**
 * The detector's ClickHouse reads: feature rows (all of a window, or only those with requests
 * that arrived in an ingest interval), the window's JA4 context, the ingest watermark, and the
 * previous scores of rows about to be scored again. Values are bound with query parameters;
 * numbers are cast in SQL so JSON gives plain numbers (UInt64 would come back quoted). The
 * network and the known-bot labels are looked up when a row is read, so lists loaded after the
 * requests arrived apply (the insert-time values are kept when the dictionaries know nothing).
 */
const FEATURE_COLUMNS = `
    toString(hour) AS hour, toString(host) AS host, src_ip, toString(ja4) AS ja4,
    toUInt32(requests) AS requests, toUInt32(distinct_paths) AS distinct_paths,
    toFloat64(ratio_4xx) AS ratio_4xx, toFloat64(ratio_5xx) AS ratio_5xx, toFloat64(ratio_post) AS ratio_post,
    toUInt32(login_hits) AS login_hits, toUInt32(distinct_user_agents) AS distinct_user_agents,
    toFloat64(mean_header_count) AS mean_header_count, top_user_agent,
    tcp_ttl, tcp_window, tcp_mss, tcp_options,
    toUInt32(if(ip_asn != 0, ip_asn, v_asn)) AS asn,
    if(ip_asn != 0, ip_asn_name, v_asn_name) AS asn_name,
    dictGetOrDefault('ja4_processing.dict_asn_reputation', 'label', toUInt64(asn), 'unknown') AS asn_label,
    if(ip_bot != '', ip_bot, v_bot_ip) AS bot_ip_label,
    if(ja4_bot != '', ja4_bot, v_bot_ja4) AS bot_ja4_label`;

/**
 * The feature rows, as view_ai_features_1h defines them, read from the hourly rollup directly: the
 * view's top_user_agent merges topK(3) states, most of its cost; here the client's UA is the
 * anyHeavy state (migration 0033) where it is set, and topK is merged only for rows written
 * before it.
 */
const FEATURE_SOURCE = `
    SELECT hour, host, src_ip, ja4, sum(hits) AS requests, uniqMerge(paths_state) AS distinct_paths,
           sum(status_4xx) / requests AS ratio_4xx, sum(status_5xx) / requests AS ratio_5xx,
           sum(hits_post) / requests AS ratio_post, sum(login_hits) AS login_hits,
           uniqMerge(user_agents_state) AS distinct_user_agents, sum(header_count_sum) / requests AS mean_header_count,
           anyHeavyMerge(heavy_user_agent_state) AS heavy_ua,
           if(heavy_ua != '', heavy_ua,
              arrayElement(topKMergeIf(3)(top_user_agents_state, finalizeAggregation(heavy_user_agent_state) = ''), 1))
             AS top_user_agent,
           max(agg.tcp_ttl) AS tcp_ttl, max(agg.tcp_window) AS tcp_window, max(agg.tcp_mss) AS tcp_mss,
           max(agg.tcp_options) AS tcp_options, max(agg.asn) AS v_asn, max(agg.asn_name) AS v_asn_name,
           max(agg.bot_ip_label) AS v_bot_ip, max(agg.bot_ja4_label) AS v_bot_ja4,
           toIPv6OrDefault(src_ip) AS ip6,
           dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn', tuple(ip6), toUInt32(0)) AS ip_asn,
           dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn_name', tuple(ip6), '') AS ip_asn_name,
           dictGetOrDefault('ja4_processing.dict_bot_ip', 'label', tuple(ip6), '') AS ip_bot,
           dictGetOrDefault('ja4_processing.dict_bot_ja4', 'label', tuple(toString(ja4)), '') AS ja4_bot
    FROM ja4_processing.agg_host_ip_ja4_1h AS agg
    WHERE hour >= toDateTime({from:UInt32}, 'UTC') AND hour < toDateTime({to:UInt32}, 'UTC')`;

/** The keys with requests ingested in (since, until]: the rows an incremental cycle scores. */
const CHANGED_KEYS = `
    (hour, host, src_ip, ja4) IN (
      SELECT toStartOfHour(ts), host, client_ip, ja4 FROM ja4_processing.http_logs
      WHERE ts >= toDateTime64({from:UInt32}, 6, 'UTC') AND ts < toDateTime64({to:UInt32}, 6, 'UTC')
        AND ingest_time > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
        AND ingest_time <= fromUnixTimestamp64Milli({until:Int64}, 'UTC'))`;

export interface IngestInterval {
  /** Exclusive lower bound, ms since the epoch. */
  since: number;
  /** Inclusive upper bound, ms since the epoch. */
  until: number;
}

const secs = (d: Date) => Math.floor(d.getTime() / 1000);

/** Feature rows with hour in [from, to); with `changed`, only those with requests ingested then. */
export async function readFeatureRows(
  client: ClickHouseClient,
  from: Date,
  to: Date,
  changed?: IngestInterval,
): Promise<FeatureRow[]> {
  const filter = changed ? ` AND ${CHANGED_KEYS}` : '';
  // Filter in a subquery: the outer aliases (hour as text) would shadow the columns in WHERE.
  const query = `SELECT ${FEATURE_COLUMNS} FROM (${FEATURE_SOURCE}${filter} GROUP BY hour, host, src_ip, ja4)
                 ORDER BY hour, host, src_ip, ja4`;
  return select<FeatureRow>(
    client,
    query,
    { from: secs(from), to: secs(to), ...changed },
    'view_ai_features_1h',
  );
}

/** Per host and JA4 requests, per JA4 distinct addresses and user agents, over the window. */
export async function readJa4Context(client: ClickHouseClient, from: Date, to: Date): Promise<Ja4Context> {
  const params = { from: secs(from), to: secs(to) };
  const range = `hour >= toDateTime({from:UInt32}, 'UTC') AND hour < toDateTime({to:UInt32}, 'UTC')`;
  const hostJa4 = await select<{ host: string; ja4: string; requests: number }>(
    client,
    `SELECT toString(host) AS host, toString(ja4) AS ja4, toUInt64(sum(hits)) AS requests
     FROM ja4_processing.agg_host_ip_ja4_1h WHERE ${range} GROUP BY host, ja4`,
    params,
    'agg_host_ip_ja4_1h',
  );
  const perJa4 = await select<{ ja4: string; ips: number; uas: number }>(
    client,
    `SELECT toString(ja4) AS ja4, toUInt32(uniqExact(src_ip)) AS ips, toUInt32(uniqMerge(user_agents_state)) AS uas
     FROM ja4_processing.agg_host_ip_ja4_1h WHERE ${range} GROUP BY ja4`,
    params,
    'agg_host_ip_ja4_1h',
  );
  const hostRequests = new Map<string, number>();
  const hostJa4Requests = new Map<string, number>();
  for (const r of hostJa4) {
    hostRequests.set(r.host, (hostRequests.get(r.host) ?? 0) + Number(r.requests));
    hostJa4Requests.set(`${r.host}\t${r.ja4}`, Number(r.requests));
  }
  return {
    hostRequests,
    hostJa4Requests,
    ja4Ips: new Map(perJa4.map((r) => [r.ja4, Number(r.ips)])),
    ja4Uas: new Map(perJa4.map((r) => [r.ja4, Number(r.uas)])),
  };
}

/**
 * The newest ingest_time of the window's requests after `since` (ms), or undefined when none
 * arrived: the cheap question the scheduler asks every few seconds (the minmax index on
 * ingest_time, migration 0026, skips the parts written before `since`).
 */
export async function readWatermark(
  client: ClickHouseClient,
  from: Date,
  since: number,
): Promise<number | undefined> {
  const [row] = await select<{ n: number; at: number }>(
    client,
    `SELECT toUInt64(count()) AS n, toInt64(toUnixTimestamp64Milli(max(ingest_time))) AS at
     FROM ja4_processing.http_logs
     WHERE ts >= toDateTime64({from:UInt32}, 6, 'UTC') AND ingest_time > fromUnixTimestamp64Milli({since:Int64}, 'UTC')`,
    { from: secs(from), since },
    'http_logs',
  );
  return row && Number(row.n) > 0 ? Number(row.at) : undefined;
}

export interface PreviousScore {
  score: number;
  verdict: string;
  requests: number;
  is_anomaly: boolean;
}

/** The current score under `modelVersion` of the rows of `hours` (key: hour|host|src_ip|ja4). */
export async function readPreviousScores(
  client: ClickHouseClient,
  modelVersion: string,
  hours: readonly string[],
  ips: readonly string[],
): Promise<Map<string, PreviousScore>> {
  if (hours.length === 0) return new Map();
  const rows = await select<PreviousScore & { k: string }>(
    client,
    `SELECT concat(toString(hour), '|', toString(host), '|', src_ip, '|', toString(ja4)) AS k,
            argMax(score, scored_at) AS score, argMax(toString(verdict), scored_at) AS verdict,
            toUInt64(argMax(requests, scored_at)) AS requests, argMax(is_anomaly, scored_at) AS is_anomaly
     FROM ja4_processing.ml_all_scores
     WHERE model_version = {mv:String} AND hour IN {hours:Array(DateTime('UTC'))} AND src_ip IN {ips:Array(String)}
     GROUP BY hour, host, src_ip, ja4`,
    { mv: modelVersion, hours: [...hours], ips: [...new Set(ips)] },
    'ml_all_scores',
  );
  return new Map(
    rows.map((r) => [r.k, { ...r, requests: Number(r.requests), is_anomaly: Boolean(r.is_anomaly) }]),
  );
}

export async function select<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
  object: string,
): Promise<T[]> {
  try {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return await rs.json<T>();
  } catch (err) {
    throw asSchemaError(err, object) ?? new CycleQueryError(`reading ${object}`, err);
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
  verdict: string;
  verdict_source: string;
  confidence: number;
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
  verdict: string;
  verdict_source: string;
  confidence: number;
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
  reasons: Reason[];
  features: Record<string, number>;
}

/** Rows per INSERT: large enough to amortise a round trip, small enough to bound memory. */
const INSERT_BATCH = 50_000;

const SCORE_COLUMNS = [
  'scored_at',
  'cycle_id',
  'model_version',
  'hour',
  'host',
  'src_ip',
  'ja4',
  'score',
  'threshold',
  'is_anomaly',
  'verdict',
  'verdict_source',
  'confidence',
  'requests',
  'asn',
  'asn_label',
  'bot_ip_label',
  'bot_ja4_label',
  'features',
] as const;

const tsvText = (v: string) =>
  v.replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'));

/** One ml_all_scores row as a TabSeparated line (the Map as its literal: {'name':value,...}). */
export function scoreLine(r: ScoreRow): string {
  const features = Object.entries(r.features)
    .map(([k, v]) => `'${k}':${Number.isFinite(v) ? v : 0}`)
    .join(',');
  return [
    r.scored_at,
    tsvText(r.cycle_id),
    tsvText(r.model_version),
    r.hour,
    tsvText(r.host),
    tsvText(r.src_ip),
    tsvText(r.ja4),
    r.score,
    r.threshold,
    r.is_anomaly ? 1 : 0,
    tsvText(r.verdict),
    tsvText(r.verdict_source),
    r.confidence,
    r.requests,
    r.asn,
    tsvText(r.asn_label),
    tsvText(r.bot_ip_label),
    tsvText(r.bot_ja4_label),
    `{${features}}`,
  ].join('\t');
}

/**
 * Writes score rows as TabSeparated: a full cycle writes every row of the window, and JSON
 * objects with a features map cost several times more to build and to parse.
 */
export async function insertScores(client: ClickHouseClient, rows: readonly ScoreRow[]): Promise<void> {
  try {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const body = `${rows
        .slice(i, i + INSERT_BATCH)
        .map(scoreLine)
        .join('\n')}\n`;
      await client.insert({
        table: 'ja4_processing.ml_all_scores',
        values: Readable.from([body], { objectMode: false }),
        format: 'TabSeparated',
        columns: [...SCORE_COLUMNS],
      });
    }
  } catch (err) {
    throw asSchemaError(err, 'ml_all_scores') ?? new CycleQueryError('writing ml_all_scores', err);
  }
}

export async function insertRows(
  client: ClickHouseClient,
  table: 'ml_all_scores' | 'ml_detected_anomalies' | 'ml_cycles',
  rows: readonly object[],
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
  const rows = await select<Recurrence>(
    client,
    `SELECT src_ip, toUInt32(days_flagged) AS days_flagged, toUInt32(hours_flagged) AS hours_flagged,
            toString(first_flagged) AS first_flagged
     FROM ja4_processing.view_ip_recurrence WHERE src_ip IN {ips:Array(String)}`,
    { ips: [...new Set(ips)] },
    'view_ip_recurrence',
  );
  return new Map(rows.map((r) => [r.src_ip, r]));
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as DateTime64(3, 'UTC') columns take it. */
export function chTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** A ClickHouse UNKNOWN_TABLE (code 60) becomes a SchemaMissingError naming the object. */
export function asSchemaError(err: unknown, object: string): SchemaMissingError | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code === '60' || /UNKNOWN_TABLE|does not exist/i.test(e?.message ?? '')) {
    return new SchemaMissingError(object, err);
  }
  return undefined;
}
