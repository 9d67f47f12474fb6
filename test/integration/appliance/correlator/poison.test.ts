/**
 * A batch ClickHouse refuses for its rows does not stop ingestion (real chDB, the schema's views):
 * 150 schema-valid requests one day apart (let past the decode-time window on purpose, so that
 * ClickHouse itself refuses the insert: "Too many partitions for single INSERT block"), rows a
 * constraint refuses one by one, then 200 good requests. The batch is split: every good row and
 * every partition-spread row is stored once in http_logs, the rows refused on their own are in
 * the dead-letter file with the reason, and the same holds after a restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../appliance/common/index.js';
import { startCorrelator } from '../../../../appliance/correlator/service.js';
import { openTempEmbedded } from '../../../helpers/clickhouse.js';
import { httpEvent } from '../../../unit/appliance/correlator/fixtures.js';
import { metricValue, producer, quietLog, testConfig, until } from './helpers.js';
import { prepareSchema } from './schema.js';

let ch: ClickHouseHandle;
const DAY_US = 86_400_000_000;

beforeAll(async () => {
  ch = await openTempEmbedded('ja4-corr-poison-');
  await prepareSchema(ch.client);
  // A refusal that belongs to single rows (ClickHouse code 469, VIOLATED_CONSTRAINT).
  await ch.client.command({
    query:
      "ALTER TABLE ja4_processing.http_logs_raw ADD CONSTRAINT no_poison_row CHECK raw NOT LIKE '%/poison-row%'",
  });
});
afterAll(async () => {
  await ch?.close();
});

async function count(sql: string, p: string): Promise<{ n: number; distinct: number }> {
  const rs = await ch.client.query({ query: sql, format: 'JSONEachRow', query_params: { p: `${p}%` } });
  const [row] = (await rs.json()) as { n: string; d: string }[];
  return { n: Number(row.n), distinct: Number(row.d) };
}
const typed = (prefix: string) =>
  count(
    'SELECT count() AS n, uniqExact(conn_id) AS d FROM ja4_processing.http_logs WHERE conn_id LIKE {p:String}',
    prefix,
  );
const raw = (prefix: string) =>
  count(
    "SELECT count() AS n, uniqExact(JSONExtractString(raw, 'conn_id')) AS d FROM ja4_processing.http_logs_raw WHERE JSONExtractString(raw, 'conn_id') LIKE {p:String}",
    prefix,
  );

describe('correlator with a poison batch', () => {
  it('splits a refused batch, stores every good row once, dead-letters the refused rows, and keeps going after a restart', async () => {
    const cfg = testConfig({ batch_rows: 10_000, batch_age_ms: 200, max_future_skew_ms: 365 * 86_400_000 });
    cfg.config.retention = { ...cfg.config.retention, http_logs_days: 3650 };
    const now = Date.now() * 1000;
    const first = await startCorrelator({ config: cfg.config, log: quietLog, clickhouse: ch });
    try {
      const http = await producer(cfg.config.sockets.http);
      // Sent in one go, so they share one batch with the good lines.
      for (let i = 0; i < 150; i++)
        http.send(httpEvent({ tls: false, ts_us: now + i * DAY_US, conn_id: `poison-${i}` }));
      for (let i = 0; i < 3; i++)
        http.send(httpEvent({ tls: false, path: '/poison-row', conn_id: `bad-${i}` }));
      for (let i = 0; i < 200; i++) http.send(httpEvent({ tls: false, conn_id: `good-${i}` }));
      await until(
        () => first.status().rowsWritten === 350 && first.status().deadLetters.rows === 3,
        30_000,
        'good rows written and refused rows dead-lettered',
      );
      http.destroy();
      const text = await first.registry.metrics();
      expect(await metricValue(text, 'ja4_correlator_batches_total', { result: 'split' })).toBeGreaterThan(0);
      expect(await metricValue(text, 'ja4_correlator_dead_letter_rows_total')).toBe(3);
    } finally {
      await first.close();
    }
    expect(await typed('good-')).toEqual({ n: 200, distinct: 200 });
    expect(await typed('poison-')).toEqual({ n: 150, distinct: 150 });
    expect(await typed('bad-')).toEqual({ n: 0, distinct: 0 });
    expect(await raw('bad-')).toEqual({ n: 0, distinct: 0 });
    // The landing table may keep a second copy of rows whose insert failed in a view after it
    // was written (the partition limit is checked there); http_logs holds each row once.
    expect((await raw('good-')).distinct).toBe(200);

    const letters = readFileSync(join(cfg.config.correlator.spool_dir, 'dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { batch: string; reason: string; line: string });
    expect(letters).toHaveLength(3);
    for (const l of letters) {
      expect(l.reason).toMatch(/^469 VIOLATED_CONSTRAINT: /);
      expect(JSON.parse(l.line)).toMatchObject({ path: '/poison-row' });
      expect(l.batch).toMatch(/^[0-9a-f]+-\d+-p[01]+$/);
    }

    const second = await startCorrelator({ config: cfg.config, log: quietLog, clickhouse: ch });
    try {
      expect(second.status().deadLetters).toMatchObject({
        rows: 3,
        lastReason: expect.stringMatching(/^469 /),
      });
      const http = await producer(cfg.config.sockets.http);
      for (let i = 0; i < 50; i++) http.send(httpEvent({ tls: false, conn_id: `after-${i}` }));
      await until(() => second.status().rowsWritten === 50, 30_000, 'rows after the restart');
      http.destroy();
    } finally {
      await second.close();
    }
    expect(await typed('after-')).toEqual({ n: 50, distinct: 50 });
    expect(await typed('good-')).toEqual({ n: 200, distinct: 200 });
    expect(await typed('poison-')).toEqual({ n: 150, distinct: 150 });
  });
});
