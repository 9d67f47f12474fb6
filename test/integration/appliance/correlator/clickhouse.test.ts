/**
 * The correlator into the real embedded engine through the schema's materialized views:
 * an outage (the landing table renamed away, then restored) and a restart with batches in the
 * spool, both ending with every accepted request in ClickHouse exactly once; a replayed batch
 * deduplicated by its token; both insert formats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../appliance/common/index.js';
import { ClickHouseSink } from '../../../../appliance/correlator/adapters/clickhouse-sink.js';
import { startCorrelator } from '../../../../appliance/correlator/service.js';
import { httpEvent, tlsEvent } from '../../../../scripts/lib/sample-events.js';
import { openTempEmbedded } from '../../../helpers/clickhouse.js';
import { producer, quietLog, testConfig, until } from './helpers.js';
import { prepareSchema } from './schema.js';

let ch: ClickHouseHandle;

beforeAll(async () => {
  ch = await openTempEmbedded('ja4-corr-ch-');
  await prepareSchema(ch.client);
});
afterAll(async () => {
  await ch?.close();
});

async function scalar(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const rs = await ch.client.query({ query: sql, format: 'JSONEachRow', query_params: params });
  const rows = (await rs.json()) as Record<string, unknown>[];
  return Number(Object.values(rows[0])[0]);
}

/** Rows and distinct requests of one test run (conn_id prefix), in the landing and typed tables. */
async function landed(run: string) {
  const like = { p: `${run}-%` };
  return {
    raw: await scalar(
      "SELECT count() FROM ja4_processing.http_logs_raw WHERE JSONExtractString(raw, 'conn_id') LIKE {p:String}",
      like,
    ),
    rawDistinct: await scalar(
      "SELECT uniqExact(JSONExtractString(raw, 'conn_id')) FROM ja4_processing.http_logs_raw WHERE JSONExtractString(raw, 'conn_id') LIKE {p:String}",
      like,
    ),
    typed: await scalar('SELECT count() FROM ja4_processing.http_logs WHERE conn_id LIKE {p:String}', like),
    typedDistinct: await scalar(
      'SELECT uniqExact(conn_id) FROM ja4_processing.http_logs WHERE conn_id LIKE {p:String}',
      like,
    ),
    correlated: await scalar(
      'SELECT countIf(correlated) FROM ja4_processing.http_logs WHERE conn_id LIKE {p:String}',
      like,
    ),
  };
}

const typed = (run: string) =>
  scalar('SELECT count() FROM ja4_processing.http_logs WHERE conn_id LIKE {p:String}', { p: `${run}-%` });

const outage = () =>
  ch.client.command({
    query: 'RENAME TABLE ja4_processing.http_logs_raw TO ja4_processing.http_logs_raw_away',
  });
const restore = () =>
  ch.client.command({
    query: 'RENAME TABLE ja4_processing.http_logs_raw_away TO ja4_processing.http_logs_raw',
  });

/** Sends `n` requests of run `run`, every other one with its handshake first. */
async function send(path: { http: string; network: string }, run: string, n: number, from = 0) {
  const http = await producer(path.http);
  const net = await producer(path.network);
  for (let i = from; i < from + n; i++) {
    if (i % 2 === 0) net.send(tlsEvent({ src_port: 10_000 + i }));
  }
  await new Promise((r) => setTimeout(r, 100));
  for (let i = from; i < from + n; i++)
    http.send(httpEvent({ conn_port: 10_000 + i, conn_id: `${run}-${i}` }));
  // end(), not destroy(): under load the kernel may not have taken every line yet, and destroy()
  // would drop what is still queued in this process (lines the correlator never received).
  await Promise.all([http, net].map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
}

describe('correlator → embedded ClickHouse', () => {
  it('lands every request exactly once through an outage, in http_logs_raw and http_logs', async () => {
    const cfg = testConfig({ batch_rows: 25, grace_ms: 200 });
    const handle = await startCorrelator({ config: cfg.config, log: quietLog, clickhouse: ch });
    try {
      await send(cfg.config.sockets, 'outage', 50, 0);
      await until(() => handle.status().rowsWritten === 50, 15_000, 'first rows written');
      await outage();
      try {
        await send(cfg.config.sockets, 'outage', 150, 50);
        await until(() => handle.status().spoolBatches > 0, 15_000, 'batches spooled during the outage');
        await new Promise((r) => setTimeout(r, 300)); // some failed retries
        expect(await typed('outage')).toBe(50);
      } finally {
        await restore();
      }
      await until(
        async () => handle.status().spoolBatches === 0 && (await landed('outage')).raw === 200,
        30_000,
        'spool replayed',
      );
    } finally {
      await handle.close();
    }
    const got = await landed('outage');
    expect(got).toEqual({ raw: 200, rawDistinct: 200, typed: 200, typedDistinct: 200, correlated: 100 });
  });

  it('replays the spool after a restart, exactly once', async () => {
    const cfg = testConfig({ batch_rows: 10 });
    await outage();
    const first = await startCorrelator({ config: cfg.config, log: quietLog, clickhouse: ch });
    try {
      await send(cfg.config.sockets, 'restart', 40);
    } finally {
      await first.close(); // ClickHouse still down: everything goes to the spool
      await restore();
    }
    expect(first.status().spoolBatches).toBe(4);
    expect(await typed('restart')).toBe(0);
    const second = await startCorrelator({ config: cfg.config, log: quietLog, clickhouse: ch });
    try {
      await until(async () => second.status().spoolBatches === 0, 30_000, 'spool replayed after restart');
    } finally {
      await second.close();
    }
    const got = await landed('restart');
    expect(got).toEqual({ raw: 40, rawDistinct: 40, typed: 40, typedDistinct: 40, correlated: 20 });
  });

  it('drops a batch written twice with the same id, keeps equal bodies with different ids', async () => {
    const { buildRow } = await import('../../../../appliance/correlator/domain/row.js');
    // On chDB a SET persists in the shared session (`ja4 up`: another service's settings); the
    // sink's own SETTINGS clause must win over both of these.
    await ch.client.command({ query: 'SET insert_deduplicate = 0' });
    await ch.client.command({ query: "SET insert_deduplication_token = 'left-by-someone-else'" });
    for (const format of ['LineAsString', 'JSONEachRow'] as const) {
      const sink = new ClickHouseSink(ch.client, { format });
      const line = JSON.stringify(buildRow(httpEvent({ conn_id: `dedup-${format}`, tls: false }), undefined));
      const batch = { id: `dedup-${format}`, rows: 1, body: `${line}\n` };
      await sink.write(batch);
      await sink.write(batch); // the replay of a batch whose first write did land
      await sink.write({ ...batch, id: `dedup-${format}-other` }); // same rows, another batch
    }
    expect(await landed('dedup')).toMatchObject({ raw: 4, rawDistinct: 2, typed: 4, typedDistinct: 2 });
  });
});
