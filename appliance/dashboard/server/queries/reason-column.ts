import type { ClickHouseClient } from '../../../common/index.js';
import { select } from './run.js';

/**
 * The structured reasons column of ml_detected_anomalies, as an SQL expression giving JSON text,
 * or '' while the table has none (the detector adds it; rows then carry only the `reason` text).
 * Looked up once a minute per client: a migration may add it while the dashboard runs.
 */
const CANDIDATES = ['reasons', 'reason_list', 'reasons_json'];
const TTL_MS = 60_000;
const cache = new WeakMap<ClickHouseClient, { at: number; expr: string }>();

export async function reasonsExpr(ch: ClickHouseClient): Promise<string> {
  const hit = cache.get(ch);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.expr;
  const cols = await select<{ name: string; type: string }>(
    ch,
    `SELECT name, type FROM system.columns
     WHERE database = 'ja4_processing' AND table = 'ml_detected_anomalies' AND name IN {names:Array(String)}`,
    { names: CANDIDATES },
  );
  const col = CANDIDATES.find((c) => cols.some((x) => x.name === c));
  const type = cols.find((x) => x.name === col)?.type ?? '';
  const expr =
    col === undefined ? "''" : /^(LowCardinality\()?String/.test(type) ? col : `toJSONString(${col})`;
  cache.set(ch, { at: Date.now(), expr });
  return expr;
}
