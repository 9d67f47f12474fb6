/**
 * Child process for crash.test.ts: the correlator on embedded chDB in `<dir>` (node --import tsx
 * crash-child.ts <dir> serve|count). `serve` prints "ready" once the sockets listen and closes
 * cleanly on SIGTERM; `count` prints one JSON line: stored rows per conn_id of the test's lines.
 */
import pino from 'pino';
import { openClickHouse } from '../../../../appliance/common/index.js';
import { startCorrelator } from '../../../../appliance/correlator/service.js';
import { testConfig } from './helpers.js';
import { prepareSchema } from './schema.js';

const [dir, mode] = process.argv.slice(2);
const ch = await openClickHouse({
  url: `embedded:${dir}/ch`,
  username: 'default',
  password: '',
  cluster: '',
  request_timeout_ms: 60_000,
});
await prepareSchema(ch.client);
if (mode === 'count') {
  const rs = await ch.client.query({
    query:
      "SELECT conn_id, count() AS n FROM ja4_processing.http_logs WHERE conn_id LIKE 'crash-%' GROUP BY conn_id",
    format: 'JSONEachRow',
  });
  const rows = (await rs.json()) as { conn_id: string; n: string }[];
  process.stdout.write(`${JSON.stringify(Object.fromEntries(rows.map((r) => [r.conn_id, Number(r.n)])))}\n`);
  await ch.close();
  process.exit(0);
}
const { config } = testConfig({ batch_rows: 500, batch_age_ms: 100, grace_ms: 300 }, dir);
const handle = await startCorrelator({
  config,
  log: pino({ level: 'warn' }, pino.destination(2)),
  clickhouse: ch,
});
// The handler goes in before "ready": the parent may signal the moment it reads that line.
process.once('SIGTERM', async () => {
  await handle.close();
  await ch.close();
  process.stdout.write(`closed ${JSON.stringify(handle.status())}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
