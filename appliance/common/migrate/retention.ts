import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { DATABASE } from '../clickhouse.js';
import type { Config } from '../config/schema.js';
import { renderForCluster } from './cluster.js';

/**
 * The migrations create every table with a 30-day TTL (retention's default). The configured
 * retention is applied afterwards with ALTER TABLE ... MODIFY TTL, only where it differs, so the
 * migration files (and their checksums) never depend on configuration.
 */
export const RETENTION_TTL: Record<string, { expr: string; key: keyof Config['retention'] }> = {
  http_logs: { expr: 'toDateTime(ts)', key: 'http_logs_days' },
  agg_host_ip_ja4_1h: { expr: 'hour', key: 'http_logs_days' },
  agg_overview_sets: { expr: 'bucket', key: 'http_logs_days' },
  ml_all_scores: { expr: 'toDateTime(scored_at)', key: 'ml_days' },
  ml_current_scores: { expr: 'hour', key: 'ml_days' },
  ml_score_histogram_1h: { expr: 'hour', key: 'ml_days' },
  ml_detected_anomalies: { expr: 'hour', key: 'ml_days' },
  ml_anomaly_summary_1h: { expr: 'hour', key: 'ml_days' },
  ml_ip_flagged_hours: { expr: 'hour', key: 'ml_days' },
};

/** Returns the tables whose TTL was changed. */
export async function applyRetention(
  client: ClickHouseClient,
  retention: Config['retention'],
  opts: { cluster?: string; log?: Logger } = {},
): Promise<string[]> {
  const rs = await client.query({
    query: 'SELECT name, engine_full FROM system.tables WHERE database = {db:String}',
    query_params: { db: DATABASE },
    format: 'JSONEachRow',
  });
  const tables = new Map(
    (await rs.json<{ name: string; engine_full: string }>()).map((t) => [t.name, t.engine_full]),
  );
  const changed: string[] = [];
  for (const [table, { expr, key }] of Object.entries(RETENTION_TTL)) {
    const engine = tables.get(table);
    if (engine === undefined) continue;
    const days = retention[key];
    if (currentTtlDays(engine) === days) continue;
    const alter = `ALTER TABLE ${DATABASE}.${table} MODIFY TTL ${expr} + INTERVAL ${Math.trunc(days)} DAY`;
    for (const query of renderForCluster(alter, opts.cluster ?? '')) await client.command({ query });
    opts.log?.info({ table, days }, 'retention TTL changed');
    changed.push(table);
  }
  return changed;
}

/** The N of "TTL ... + toIntervalDay(N)" in system.tables.engine_full, if any. */
export function currentTtlDays(engineFull: string): number | undefined {
  const m = /TTL\s.*?(?:toIntervalDay\((\d+)\)|INTERVAL\s+(\d+)\s+DAY)/i.exec(engineFull);
  return m ? Number(m[1] ?? m[2]) : undefined;
}
