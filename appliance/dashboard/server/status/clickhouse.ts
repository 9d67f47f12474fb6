import type { ClickHouseClient } from '../../../common/index.js';
import type { ServiceReport } from '../../api/status.js';
import { select } from '../queries/run.js';
import { report } from './probe.js';
import { ago, bytes, count, NO_DATA, realTime } from './words.js';

interface Row {
  version: string;
  rows: number;
  rows_1h: number;
  disk: number;
  last_ingest: number;
}

/**
 * The database as the status page shows it. Row counts and disk come from system.parts (no
 * scan); the last ingest is looked for in the last day only, where http_logs' sorting key
 * keeps it cheap. An empty table says "no data yet", never 1970.
 */
export async function clickhouseReport(ch: ClickHouseClient, now = Date.now()): Promise<ServiceReport> {
  const [row] = await select<Row>(
    ch,
    `SELECT version() AS version,
            (SELECT sum(rows) FROM system.parts
              WHERE database = 'ja4_processing' AND table = 'http_logs' AND active) AS rows,
            (SELECT count() FROM ja4_processing.http_logs WHERE ts >= now() - INTERVAL 1 HOUR) AS rows_1h,
            (SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'ja4_processing' AND active) AS disk,
            (SELECT toUnixTimestamp(max(ingest_time)) FROM ja4_processing.http_logs
              WHERE ts >= now() - INTERVAL 1 DAY) AS last_ingest`,
  );
  const last = realTime(Number(row.last_ingest));
  const answered = new Date(now).toISOString();
  const rows = Number(row.rows);
  const values = [
    { label: 'version', value: row.version },
    { label: 'requests stored', value: rows ? count(rows) : NO_DATA },
    { label: 'in the last hour', value: count(Number(row.rows_1h)) },
    { label: 'disk', value: bytes(Number(row.disk)) },
    { label: 'last insert', value: rows === 0 ? NO_DATA : last ? ago(last, now) : 'over a day ago' },
  ];
  if (rows === 0) return report('idle', 'answering; no requests stored yet', values, answered);
  return report('ok', `answering; ${count(rows)} requests stored`, values, answered);
}
