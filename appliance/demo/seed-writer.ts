import { createWriteStream, type WriteStream } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import { generateSeed, SCENARIOS, type SeedLabel, type SeedOptions } from './seed-plan.js';
import type { Scenario } from './seed-sessions.js';
import { insertLabels, insertRawLines, LABELS_DDL } from './seed-tables.js';

export interface SeedProgress {
  sessions: number;
  rows: number;
}

export interface SeedSummary {
  runId: string;
  sessions: Record<Scenario, number>;
  rows: Record<Scenario, number>;
  totalRows: number;
  firstTsUs: number;
  lastTsUs: number;
  elapsedMs: number;
}

export interface WriteSeedOptions {
  runId: string;
  batchRows: number;
  /** Also write the labels as JSON lines to this file. */
  labelsFile?: string;
  onProgress?: (p: SeedProgress) => void;
}

/**
 * Streams the plan into ClickHouse: rows are buffered up to batchRows, then inserted with their
 * sessions' labels; the JS side holds at most two batches whatever the scale.
 */
export async function writeSeed(
  client: ClickHouseClient,
  plan: SeedOptions,
  opts: WriteSeedOptions,
): Promise<SeedSummary> {
  const started = Date.now();
  const zero = () => Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<Scenario, number>;
  const summary: SeedSummary = {
    runId: opts.runId,
    sessions: zero(),
    rows: zero(),
    totalRows: 0,
    firstTsUs: Number.POSITIVE_INFINITY,
    lastTsUs: 0,
    elapsedMs: 0,
  };
  await client.command({ query: LABELS_DDL });
  const file: WriteStream | undefined = opts.labelsFile ? createWriteStream(opts.labelsFile) : undefined;
  let lines: string[] = [];
  let labels: SeedLabel[] = [];
  let sessions = 0;
  let pending: Promise<void> | undefined;
  let batchNo = 0;
  const write = async (batch: string[], batchLabels: SeedLabel[], progress: SeedProgress) => {
    await insertRawLines(client, batch, `seed:${opts.runId}:${batchNo++}`);
    await insertLabels(client, opts.runId, plan.seed, batchLabels);
    if (file && batchLabels.length > 0) {
      const text = batchLabels
        .map((l) => JSON.stringify({ run_id: opts.runId, seed: plan.seed, ...l }))
        .join('\n');
      if (!file.write(`${text}\n`)) await new Promise<void>((r) => file.once('drain', () => r()));
    }
    opts.onProgress?.(progress);
  };
  // Double buffering: the engine inserts one batch (chDB runs the query off the JS thread, a
  // server over HTTP) while the next is generated; at most two batches are in memory.
  const flush = async () => {
    const batch = lines;
    const batchLabels = labels;
    lines = [];
    labels = [];
    if (pending) await pending;
    pending = write(batch, batchLabels, { sessions, rows: summary.totalRows });
    // Observed here so a failure is not reported as unhandled before the next flush awaits it.
    pending.catch(() => undefined);
  };
  try {
    for (const { spec, rows, label } of generateSeed(plan)) {
      for (const row of rows) lines.push(JSON.stringify(row));
      labels.push(label);
      sessions++;
      summary.sessions[spec.scenario]++;
      summary.rows[spec.scenario] += rows.length;
      summary.totalRows += rows.length;
      summary.firstTsUs = Math.min(summary.firstTsUs, label.first_ts_us);
      summary.lastTsUs = Math.max(summary.lastTsUs, label.last_ts_us);
      if (lines.length >= opts.batchRows) await flush();
    }
    await flush();
    await pending;
  } finally {
    if (file) await new Promise((r) => file.end(r));
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}
