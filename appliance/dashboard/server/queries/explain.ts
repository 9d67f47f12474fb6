import type { ClickHouseClient } from '../../../common/index.js';
import { ACCESS_ASN_KINDS } from '../../../common/migrate/index.js';
import type { Explanation, FeatureValue, ScorePoint } from '../../api/index.js';
import { reasonList } from '../reasons.js';
import { REASONS_JSON } from './reason-column.js';
import { select } from './run.js';

/**
 * The detector's features in words. `_log` features are stored as log1p(count) and shown as the
 * count. Features missing here are shown by their name.
 */
const FEATURE_WORDS: Record<string, string> = {
  requests_log: 'requests in the hour',
  distinct_paths_log: 'distinct paths',
  ratio_4xx: 'share of 4xx responses',
  ratio_post: 'share of POSTs',
  login_hits_log: 'requests to login pages',
  distinct_user_agents: 'distinct user agents',
  mean_header_count: 'HTTP headers per request',
  ja4_host_rarity: 'rarity of the JA4 on the host',
  ja4_ip_spread_log: 'addresses sharing the JA4',
  ja4_ua_spread_log: 'user agents seen with the JA4',
  tls_cipher_count: 'TLS cipher suites offered',
  tls_extension_count: 'TLS extensions sent',
  ua_tls_mismatch: 'user agent vs TLS mismatch',
  ua_tcp_mismatch: 'user agent vs TCP SYN mismatch',
  declared_automation: 'user agent declares automation',
  network_risk: 'network risk (0 access, 1 server)',
};

const shown = (name: string, v: number) => (name.endsWith('_log') ? Math.round(Math.expm1(v)) : v);

/**
 * Why the address's most telling row was flagged or not: its flagged row with the highest score,
 * else its highest-scored row (the nearest to being flagged). Its features are set against the
 * typical value of rows the same model scored as normal from access networks (ISP, mobile,
 * education, government, business: the kinds people browse from) within a day of the row's hour
 * (medians of up to 20,000 of them), furthest first. By model, not by cycle: an incremental cycle
 * writes only the rows that changed (appliance/detector/cycle-write.ts), too few for a baseline.
 */
export async function explainRow(
  ch: ClickHouseClient,
  ip: string,
  history: ScorePoint[],
): Promise<Explanation | null> {
  if (history.length === 0) return null;
  const pick = history.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const p = { ip, hour: pick.hour, host: pick.host, ja4: pick.ja4 };
  const [row] = await select<{ features: Record<string, number>; model: string }>(
    ch,
    `SELECT argMax(features, scored_at) AS features, toString(argMax(model_version, scored_at)) AS model
     FROM ja4_processing.ml_all_scores
     WHERE src_ip = {ip:String} AND hour = toDateTime({hour:UInt32}) AND host = {host:String} AND ja4 = {ja4:String}`,
    p,
  );
  if (!row) return null;
  const [typical, flagged] = await Promise.all([
    select<{ m: Record<string, number> }>(
      ch,
      `SELECT quantileMap(0.5)(features) AS m FROM (
         SELECT features FROM ja4_processing.ml_all_scores
         WHERE model_version = {model:String} AND NOT is_anomaly AND asn_label IN {access:Array(String)}
           AND hour BETWEEN toDateTime({hour:UInt32}) - INTERVAL 1 DAY AND toDateTime({hour:UInt32}) + INTERVAL 1 DAY
         LIMIT 20000)`,
      { model: row.model, access: ACCESS_ASN_KINDS, hour: p.hour },
    ),
    select<{ reason: string; json: string }>(
      ch,
      `SELECT argMax(reason, detected_at) AS reason, argMax(${REASONS_JSON}, detected_at) AS json
       FROM ja4_processing.ml_detected_anomalies
       WHERE src_ip = {ip:String} AND hour = toDateTime({hour:UInt32}) AND host = {host:String} AND ja4 = {ja4:String}
       HAVING count() > 0`,
      p,
    ),
  ]);
  return {
    ...pick,
    reasons: pick.flagged && flagged[0] ? reasonList(flagged[0].json, flagged[0].reason) : [],
    features: featureValues(row.features, typical[0]?.m ?? {}),
  };
}

/** Flagged rows first, then by score. */
const rank = (x: ScorePoint) => (x.flagged ? 1 : 0) + x.score;

function featureValues(features: Record<string, number>, typical: Record<string, number>): FeatureValue[] {
  const out = Object.entries(features).map(([name, v]) => {
    const t = typical[name];
    return {
      name,
      label: FEATURE_WORDS[name] ?? name,
      value: shown(name, v),
      typical: t === undefined ? null : shown(name, t),
      distance: t === undefined ? 0 : Math.abs(v - t) / Math.max(Math.abs(t), 1),
    };
  });
  return out.sort((a, b) => b.distance - a.distance).map(({ distance: _, ...f }) => f);
}
