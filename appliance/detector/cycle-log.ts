import type { ClickHouseClient } from '../common/index.js';
import type { CycleResult } from './cycle-types.js';
import { chTime, insertRows, select } from './store.js';

/**
 * ml_cycles (migration 0032): one row per cycle. A detector that starts again reads the last
 * successful cycle's watermark from here and continues from it.
 */
export async function logCycle(client: ClickHouseClient, r: CycleResult): Promise<void> {
  await insertRows(client, 'ml_cycles', [
    {
      cycle_id: r.cycle_id,
      started_at: chTime(new Date(r.started_at)),
      finished_at: chTime(new Date(r.finished_at)),
      kind: r.kind,
      status: r.status,
      reason: r.reason ?? '',
      model_version: r.model_version ?? '',
      model_trained_at: r.model_trained_at ? chTime(new Date(r.model_trained_at)) : null,
      watermark: r.watermark ? chTime(new Date(r.watermark)) : null,
      window_from: r.window_from.slice(0, 19).replace('T', ' '),
      window_to: r.window_to.slice(0, 19).replace('T', ' '),
      rows_read: r.rows,
      rows_written: r.rows_written,
      anomalies: r.anomalies,
      baseline_rows: r.baseline_rows,
      threshold: r.threshold ?? 0,
      durations_ms: r.durations_ms,
    },
  ]);
}

/** The watermark (ms) and model version of the last cycle that wrote scores, if any. */
export async function readLastCycle(
  client: ClickHouseClient,
): Promise<{ watermark: number; model_version: string } | undefined> {
  const [row] = await select<{ watermark: number; model_version: string }>(
    client,
    `SELECT toInt64(toUnixTimestamp64Milli(assumeNotNull(watermark))) AS watermark, toString(model_version) AS model_version
     FROM ja4_processing.ml_cycles WHERE status = 'ok' AND watermark IS NOT NULL
     ORDER BY started_at DESC LIMIT 1`,
    {},
    'ml_cycles',
  );
  return row ? { watermark: Number(row.watermark), model_version: row.model_version } : undefined;
}
