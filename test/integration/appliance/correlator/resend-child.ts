/**
 * Child process for resend-after-restart.test.ts: one lifetime of the embedded engine in `<dir>`
 * (node --import tsx resend-child.ts <dir> write <batch id> | count). Each start brings the schema
 * up to date as `ja4 up` does (the first one applies every migration, as a first start after an
 * upgrade does); `write` inserts `<dir>/batch.jsonl` through the correlator's sink with the batch
 * id as its token, `count` prints the rows stored per table as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openClickHouse } from '../../../../appliance/common/index.js';
import { ClickHouseSink } from '../../../../appliance/correlator/adapters/clickhouse-sink.js';
import { prepareSchema } from './schema.js';

const [dir, mode, id] = process.argv.slice(2);
const ch = await openClickHouse({
  url: `embedded:${dir}/ch`,
  username: 'default',
  password: '',
  cluster: '',
  request_timeout_ms: 60_000,
});
await prepareSchema(ch.client);
if (mode === 'write') {
  const body = readFileSync(join(dir, 'batch.jsonl'), 'utf8');
  const rows = body.split('\n').filter(Boolean).length;
  await new ClickHouseSink(ch.client, { format: 'JSONEachRow' }).write({ id, rows, body });
  process.stdout.write('written\n');
} else {
  const count = async (query: string) => {
    const [row] = (await (await ch.client.query({ query, format: 'JSONEachRow' })).json()) as { n: string }[];
    return Number(row.n);
  };
  const stored = {
    raw: await count(
      "SELECT count() AS n FROM ja4_processing.http_logs_raw WHERE JSONExtractString(raw, 'conn_id') LIKE 'resend-%'",
    ),
    typed: await count("SELECT count() AS n FROM ja4_processing.http_logs WHERE conn_id LIKE 'resend-%'"),
    rollup: await count(
      "SELECT sum(hits) AS n FROM ja4_processing.agg_host_ip_ja4_1h WHERE src_ip = '198.51.100.77'",
    ),
  };
  process.stdout.write(`${JSON.stringify(stored)}\n`);
}
await ch.close();
