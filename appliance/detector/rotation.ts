import type { ClickHouseClient, Config, Logger } from '../common/index.js';
import { renderForCluster } from '../common/migrate/index.js';
import { CycleQueryError } from './errors.js';

/**
 * Rotation of the detector's tables: whole day partitions older than retention.ml_days are
 * dropped. The tables' TTLs would remove them too, but only when a merge runs; DROP PARTITION is
 * immediate and cheap (it unlinks parts), so the dashboard never shows scores past retention.
 * The tables are partitioned by toDate(...) (migrations 0009, 0010, 0035, 0037), so a partition id
 * is the day as YYYYMMDD. ml_current_scores is the copy of ml_all_scores' newest scorings that a
 * view writes, and ml_score_histogram_1h their histogram per hour: they are dropped with it.
 */
export const ROTATED_TABLES = [
  'ml_all_scores',
  'ml_detected_anomalies',
  'ml_current_scores',
  'ml_score_histogram_1h',
] as const;

export interface RotationResult {
  dropped: { table: string; partition_id: string }[];
}

const DAY_ID = /^\d{8}$/;

/** The partition id (YYYYMMDD) of the oldest day kept when keeping `days` days up to `now`. */
export function cutoffPartitionId(now: Date, days: number): string {
  const d = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * 86_400_000,
  );
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

export async function rotate(
  client: ClickHouseClient,
  cfg: Pick<Config, 'retention' | 'clickhouse'>,
  log: Logger,
  now = new Date(),
): Promise<RotationResult> {
  const cutoff = cutoffPartitionId(now, cfg.retention.ml_days);
  let parts: { table: string; partition_id: string }[];
  try {
    const rs = await client.query({
      query: `SELECT DISTINCT table, partition_id FROM system.parts
              WHERE database = 'ja4_processing' AND active AND table IN {tables:Array(String)}
                AND partition_id < {cutoff:String}
              ORDER BY table, partition_id`,
      query_params: { tables: [...ROTATED_TABLES], cutoff },
      format: 'JSONEachRow',
    });
    parts = await rs.json();
  } catch (err) {
    throw new CycleQueryError('listing partitions to rotate', err);
  }
  const dropped: RotationResult['dropped'] = [];
  for (const p of parts) {
    // The id comes from system.parts and is checked to be 8 digits before it is put in the
    // statement: ALTER ... DROP PARTITION takes no query parameters.
    if (!DAY_ID.test(p.partition_id)) continue;
    const alter = `ALTER TABLE ja4_processing.${p.table} DROP PARTITION ID '${p.partition_id}'`;
    try {
      for (const query of renderForCluster(alter, cfg.clickhouse.cluster)) await client.command({ query });
    } catch (err) {
      throw new CycleQueryError(`dropping partition ${p.partition_id} of ${p.table}`, err);
    }
    dropped.push(p);
  }
  if (dropped.length > 0) log.info({ dropped, cutoff }, 'rotated detector partitions past retention');
  return { dropped };
}
