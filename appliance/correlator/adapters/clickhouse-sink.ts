import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../../common/index.js';
import { BatchIdError } from '../errors.js';
import type { Batch } from '../ports/batch.js';
import type { RowSink } from '../ports/sink.js';
import { classifyClickHouseError } from './clickhouse-refusal.js';

/**
 * How the raw lines travel: each wrapped as {"raw": "..."} (JSONEachRow, the default), or as they
 * are (LineAsString). Leaner on our side, LineAsString was still slower end to end in every run of
 * bench:correlator on chDB (README), so JSONEachRow is the default.
 */
export type InsertFormat = 'LineAsString' | 'JSONEachRow';

const BATCH_ID = /^[A-Za-z0-9_-]+$/;

/**
 * The statement for one batch. The settings sit in the statement's SETTINGS clause, so they
 * belong to this insert alone on every transport, whatever the session does: chdb/connection runs
 * clickhouse_settings as session-wide `SET`s (appliance/common's scopeEmbeddedSettings puts them
 * back after each call; this does not depend on it), and another caller's leftover
 * `insert_deduplicate = 0` must not switch ours off, hence the explicit insert_deduplicate = 1.
 * The token is our own batch id, checked against [A-Za-z0-9_-]+ above, never request data.
 * deduplicate_blocks_in_dependent_materialized_views = 1 carries the token down the views, so a
 * replay is dropped in the views' target tables too where those keep a deduplication window.
 */
export function insertStatement(table: string, id: string, format: InsertFormat): string {
  if (!BATCH_ID.test(id)) throw new BatchIdError(id);
  return (
    `INSERT INTO ${table} (raw) SETTINGS insert_deduplicate = 1, insert_deduplication_token = '${id}', ` +
    `deduplicate_blocks_in_dependent_materialized_views = 1 FORMAT ${format}`
  );
}

/** JSONEachRow body for the raw column: each line becomes {"raw":"<the line as a JSON string>"}. */
export function toJsonEachRow(body: string): string {
  let out = '';
  let start = 0;
  for (let nl = body.indexOf('\n'); nl >= 0; nl = body.indexOf('\n', start)) {
    out += `{"raw":${JSON.stringify(body.slice(start, nl))}}\n`;
    start = nl + 1;
  }
  return out;
}

export interface ClickHouseSinkOptions {
  format: InsertFormat;
  /** Fully qualified; the schema's landing table by default. */
  table?: string;
}

/** Inserts each batch into ja4_processing.http_logs_raw; the materialized views do the parsing. */
export class ClickHouseSink implements RowSink {
  readonly name = 'clickhouse';
  private readonly table: string;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly opts: ClickHouseSinkOptions,
  ) {
    this.table = opts.table ?? 'ja4_processing.http_logs_raw';
  }

  async write(batch: Batch): Promise<void> {
    const body = this.opts.format === 'LineAsString' ? batch.body : toJsonEachRow(batch.body);
    const result = await this.client.exec({
      query: insertStatement(this.table, batch.id, this.opts.format),
      values: Readable.from([body]),
    });
    // Drain the (empty) response so the HTTP socket goes back to the pool.
    result.stream.resume();
    await new Promise<void>((resolve) => {
      result.stream.once('end', resolve);
      result.stream.once('close', resolve);
      result.stream.once('error', () => resolve());
    });
  }

  classify(err: unknown): 'transient' | 'rows' {
    return classifyClickHouseError(err);
  }

  async close(): Promise<void> {
    // The ClickHouse handle belongs to whoever opened it (the CLI, or `ja4 up`).
  }
}
