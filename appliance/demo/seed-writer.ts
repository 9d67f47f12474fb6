import { createWriteStream, type WriteStream } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import type { CorrelatedRow } from '../common/events/correlated-row.js';
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
  const summary = emptySummary(opts.runId);
  await client.command({ query: LABELS_DDL });
  const file: WriteStream | undefined = opts.labelsFile ? createWriteStream(opts.labelsFile) : undefined;
  const batches = new SeedBatches(client, plan.seed, opts, file);
  try {
    for (const { spec, rows, label } of generateSeed(plan)) {
      batches.add(rows, label);
      count(summary, spec.scenario, rows.length, label);
      if (batches.bufferedRows >= opts.batchRows) await batches.flush();
    }
    await batches.flush();
    await batches.settled();
  } finally {
    if (file) await new Promise((r) => file.end(r));
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}

function emptySummary(runId: string): SeedSummary {
  const zero = () => Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<Scenario, number>;
  return {
    runId,
    sessions: zero(),
    rows: zero(),
    totalRows: 0,
    firstTsUs: Number.POSITIVE_INFINITY,
    lastTsUs: 0,
    elapsedMs: 0,
  };
}

function count(summary: SeedSummary, scenario: Scenario, rows: number, label: SeedLabel): void {
  summary.sessions[scenario]++;
  summary.rows[scenario] += rows;
  summary.totalRows += rows;
  summary.firstTsUs = Math.min(summary.firstTsUs, label.first_ts_us);
  summary.lastTsUs = Math.max(summary.lastTsUs, label.last_ts_us);
}

/**
 * Double buffering: the engine inserts one batch (chDB runs the query off the JS thread, a server
 * over HTTP) while the next is generated; at most two batches are in memory.
 */
class SeedBatches {
  private lines: string[] = [];
  private labels: SeedLabel[] = [];
  private sessions = 0;
  private rows = 0;
  private batchNo = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly seed: string,
    private readonly opts: WriteSeedOptions,
    private readonly file: WriteStream | undefined,
  ) {}

  get bufferedRows(): number {
    return this.lines.length;
  }

  add(rows: readonly CorrelatedRow[], label: SeedLabel): void {
    for (const row of rows) this.lines.push(JSON.stringify(row));
    this.labels.push(label);
    this.sessions++;
    this.rows += rows.length;
  }

  /** Waits for the batch in flight, then starts inserting the buffered one. */
  async flush(): Promise<void> {
    const batch = this.lines;
    const batchLabels = this.labels;
    this.lines = [];
    this.labels = [];
    if (this.pending) await this.pending;
    this.pending = this.write(batch, batchLabels, { sessions: this.sessions, rows: this.rows });
    // Observed here so a failure is not reported as unhandled before the next flush awaits it.
    this.pending.catch(() => undefined);
  }

  /** The last batch's insert: resolves when it is written, rejects with its failure. */
  async settled(): Promise<void> {
    await this.pending;
  }

  private async write(batch: string[], batchLabels: SeedLabel[], progress: SeedProgress): Promise<void> {
    const { client, opts, seed } = this;
    await insertRawLines(client, batch, `seed:${opts.runId}:${this.batchNo++}`);
    await insertLabels(client, opts.runId, seed, batchLabels);
    if (this.file && batchLabels.length > 0) await appendLabels(this.file, opts.runId, seed, batchLabels);
    opts.onProgress?.(progress);
  }
}

/** The labels as JSON lines, waiting for the file to drain when its buffer is full. */
async function appendLabels(
  file: WriteStream,
  runId: string,
  seed: string,
  labels: SeedLabel[],
): Promise<void> {
  const text = labels.map((l) => JSON.stringify({ run_id: runId, seed, ...l })).join('\n');
  if (!file.write(`${text}\n`)) await new Promise<void>((r) => file.once('drain', () => r()));
}
