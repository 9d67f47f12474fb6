import type { ClickHouseClient } from '../../../common/index.js';
import type { IpDetailResponse, RequestRow } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { explainRow } from './explain.js';
import { rangeParams, select, selectWithTotal } from './run.js';
import { zeroFilled } from './zero-fill.js';

const WHERE = `client_ip = {ip:String} AND ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)`;

/**
 * One address's requests are spread over every (hour, host) range of http_logs' sorting key, so
 * each query reads ~50 granules whatever it aggregates: the page's groupings share two scans
 * (GROUPING SETS) instead of six. GROUPING(a, b, ...) has a bit set for each column that is NOT
 * in the row's grouping set.
 */
const COUNTS = `
  SELECT GROUPING(t, status) AS g, toUnixTimestamp(toStartOfInterval(ts, INTERVAL {step:UInt32} SECOND)) AS t,
         status, count() AS hits, countIf(status >= 400) AS errors,
         formatDateTime(min(ts), '%FT%TZ') AS first_seen, formatDateTime(max(ts), '%FT%TZ') AS last_seen,
         any(asn) AS asn, any(asn_name) AS asn_name, any(asn_label) AS asn_label,
         max(bot_ip_label) AS bot_ip_label, groupUniqArray(10)(host) AS hosts,
         countIf(correlated) / count() AS correlated_ratio
  FROM ja4_processing.http_logs WHERE ${WHERE}
  GROUP BY GROUPING SETS ((), (t), (status))`;
const COUNTS_ALL = 0b11;
const COUNTS_T = 0b01;
const COUNTS_STATUS = 0b10;

const TOPS = `
  SELECT GROUPING(path, ja4, user_agent) AS g, path, ja4, user_agent, count() AS hits,
         groupUniqArray(5)(method) AS methods, any(ja3) AS ja3, any(tls_version) AS tls_version,
         any(tcp_ttl) AS tcp_ttl, any(tcp_window) AS tcp_window, any(tcp_options) AS tcp_options,
         max(bot_ja4_label) AS bot_ja4_label
  FROM ja4_processing.http_logs WHERE ${WHERE}
  GROUP BY GROUPING SETS ((path), (ja4), (user_agent))
  ORDER BY g, hits DESC, path, ja4, user_agent
  LIMIT 25 BY g`;
const TOPS_PATH = 0b011;
const TOPS_JA4 = 0b101;
const TOPS_UA = 0b110;

/** Each hour's current score (the newest cycle's) of every (host, JA4) of the address. */
const SCORES = `
  SELECT toUnixTimestamp(s_hour) AS hour, toString(s_host) AS host, toString(s_ja4) AS ja4,
         s_score AS score, s_threshold AS threshold, s_flagged AS flagged
  FROM (
    SELECT hour AS s_hour, host AS s_host, ja4 AS s_ja4, argMax(score, scored_at) AS s_score,
           argMax(threshold, scored_at) AS s_threshold, argMax(is_anomaly, scored_at) AS s_flagged
    FROM ja4_processing.ml_all_scores
    WHERE src_ip = {ip:String} AND hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour < toDateTime({to:UInt32})
    GROUP BY s_hour, s_host, s_ja4
  )
  ORDER BY hour, host, ja4 LIMIT 2000`;

const RECURRENCE = `
  SELECT days_flagged, hours_flagged, formatDateTime(first_flagged, '%FT%TZ') AS first_flagged,
         formatDateTime(last_flagged, '%FT%TZ') AS last_flagged, max_score
  FROM ja4_processing.view_ip_recurrence WHERE src_ip = {ip:String}`;

type Row = Record<string, unknown> & { g: number };
const NO_RECURRENCE = {
  days_flagged: 0,
  hours_flagged: 0,
  first_flagged: '',
  last_flagged: '',
  max_score: 0,
};

/** Everything the IP page shows but its request list; every value bound, never spliced. */
export async function ipDetail(
  ch: ClickHouseClient,
  ip: string,
  r: TimeRange,
): Promise<Omit<IpDetailResponse, 'ip' | 'range'>> {
  const p = { ...rangeParams(r), ip };
  const [counts, tops, scores, recurrence] = await Promise.all([
    select<Row>(ch, COUNTS, p),
    select<Row>(ch, TOPS, p),
    select<IpDetailResponse['scores'][number]>(ch, SCORES, p),
    select<IpDetailResponse['recurrence']>(ch, RECURRENCE, p),
  ]);
  const history = scores.map((x) => ({ ...x, flagged: Boolean(Number(x.flagged)) }));
  return {
    summary: summaryOf(counts.find((x) => Number(x.g) === COUNTS_ALL)),
    timeline: timelineOf(
      counts.filter((x) => Number(x.g) === COUNTS_T),
      r,
    ),
    statuses: counts
      .filter((x) => Number(x.g) === COUNTS_STATUS)
      .map((x) => ({ status: Number(x.status), hits: Number(x.hits) }))
      .sort((a, b) => a.status - b.status),
    ...topsOf(tops),
    scores: history,
    recurrence: recurrence[0] ?? NO_RECURRENCE,
    explanation: await explainRow(ch, ip, history),
  };
}

/** An address with no request in the range gets a summary of zero requests (the page says so). */
function summaryOf(all: Row | undefined): IpDetailResponse['summary'] {
  return {
    requests: Number(all?.hits ?? 0),
    first_seen: String(all?.first_seen ?? ''),
    last_seen: String(all?.last_seen ?? ''),
    asn: Number(all?.asn ?? 0),
    asn_name: String(all?.asn_name ?? ''),
    asn_label: String(all?.asn_label ?? ''),
    bot_ip_label: String(all?.bot_ip_label ?? ''),
    hosts: (all?.hosts as string[] | undefined) ?? [],
    correlated_ratio: Number(all?.correlated_ratio ?? 0),
  };
}

/** Requests and errors per bucket of the whole range, zeros included: bursts look like bursts. */
function timelineOf(rows: Row[], r: TimeRange): IpDetailResponse['timeline'] {
  const points = rows.map((x) => ({ t: Number(x.t), hits: Number(x.hits), errors: Number(x.errors) }));
  const { t, values } = zeroFilled(points, r, ['hits', 'errors']);
  return { t, hits: values.hits, errors: values.errors };
}

function topsOf(tops: Row[]): Pick<IpDetailResponse, 'paths' | 'fingerprints' | 'user_agents'> {
  const set = (g: number) => tops.filter((x) => Number(x.g) === g);
  return {
    paths: set(TOPS_PATH).map((x) => ({
      path: String(x.path),
      hits: Number(x.hits),
      methods: x.methods as string[],
    })),
    fingerprints: set(TOPS_JA4)
      .slice(0, 20)
      .map((x) => ({
        ja4: String(x.ja4),
        ja3: String(x.ja3),
        tls_version: String(x.tls_version),
        tcp_ttl: x.tcp_ttl === null ? null : Number(x.tcp_ttl),
        tcp_window: x.tcp_window === null ? null : Number(x.tcp_window),
        tcp_options: String(x.tcp_options),
        bot_ja4_label: String(x.bot_ja4_label),
        hits: Number(x.hits),
      })),
    user_agents: set(TOPS_UA)
      .slice(0, 20)
      .map((x) => ({ user_agent: String(x.user_agent), hits: Number(x.hits) })),
  };
}

/** One page of the address's requests in the range, newest first, and how many there are. */
export function ipRequests(
  ch: ClickHouseClient,
  ip: string,
  r: TimeRange,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: RequestRow[] }> {
  return selectWithTotal<RequestRow>(
    ch,
    `SELECT formatDateTime(ts, '%FT%TZ') AS time, method, host, path, query, status, user_agent, ja4, conn_ip, conn_port
     FROM ja4_processing.http_logs WHERE ${WHERE} ORDER BY ts DESC
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS exact_rows_before_limit = 1, output_format_json_quote_64bit_integers = 0`,
    { ...rangeParams(r), ip, ...page },
  );
}
