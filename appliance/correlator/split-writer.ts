import { describeRefusal } from './adapters/clickhouse-refusal.js';
import type { Batch } from './ports/batch.js';
import type { DeadLetter, DeadLetterEntry } from './ports/dead-letter.js';
import type { RowSink } from './ports/sink.js';

export interface SplitWriterOptions {
  /**
   * Most inserts tried for one batch once it is split. One bad row among n costs about 2·log2(n)
   * inserts (28 for 10 000 rows); past the budget, a part that still fails goes to the dead
   * letters whole, so a batch of many bad rows cannot hold ingestion for long.
   */
  maxInserts: number;
}

export interface SplitObserver {
  /** The whole batch was refused for its rows; splitting starts. */
  split(batch: Batch, err: unknown): void;
  deadLettered(entries: DeadLetterEntry[]): void;
}

export interface WriteResult {
  /** Rows the sink took. */
  written: number;
  deadLettered: number;
}

/**
 * Writes a batch; when the sink refuses it for its rows (RowSink.classify), bisects it to find
 * them: each half is tried on its own, a refused half is halved again, and a single refused row
 * goes to the dead letters with the reason, so the good rows are written and one bad batch never
 * stops ingestion. Each part's deduplication token is `<batch id>-p<path>` (path: 0 = first half,
 * 1 = second, one digit per level), a function of the batch alone: after a crash mid-split the
 * batch is retried, refused again and split the same way, and the parts that had landed are
 * dropped by ClickHouse as duplicates. A transient failure at any point is thrown: the caller
 * retries the whole batch later, in order, as for any outage.
 */
export class SplitWriter {
  constructor(
    private readonly sink: RowSink,
    private readonly deadLetter: DeadLetter,
    private readonly opts: SplitWriterOptions,
    private readonly observer: SplitObserver,
  ) {}

  async write(batch: Batch): Promise<WriteResult> {
    try {
      await this.sink.write(batch);
      return { written: batch.rows, deadLettered: 0 };
    } catch (err) {
      if (this.sink.classify?.(err) !== 'rows') throw err;
      this.observer.split(batch, err);
      return this.bisect(batch, err);
    }
  }

  private async bisect(batch: Batch, firstErr: unknown): Promise<WriteResult> {
    const result: WriteResult = { written: 0, deadLettered: 0 };
    let budget = this.opts.maxInserts;
    // Depth first, first half first: the good rows are written in the batch's order.
    const stack = halves('', linesOf(batch.body), firstErr);
    while (stack.length > 0) {
      const part = stack.pop()!;
      const id = `${batch.id}-p${part.path}`;
      if (budget <= 0) {
        await this.bury(id, part.lines, part.err, result);
        continue;
      }
      budget--;
      try {
        await this.sink.write({ id, rows: part.lines.length, body: `${part.lines.join('\n')}\n` });
        result.written += part.lines.length;
      } catch (err) {
        if (this.sink.classify?.(err) !== 'rows') throw err;
        if (part.lines.length === 1) await this.bury(id, part.lines, err, result);
        else stack.push(...halves(part.path, part.lines, err));
      }
    }
    return result;
  }

  private async bury(token: string, lines: string[], err: unknown, result: WriteResult): Promise<void> {
    const reason = describeRefusal(err);
    const entries = lines.map((line) => ({ batch: token, reason, line }));
    await this.deadLetter.write(entries);
    result.deadLettered += entries.length;
    this.observer.deadLettered(entries);
  }
}

interface Part {
  path: string;
  lines: string[];
  /** Why the part (or, untried yet, its parent) was refused: the reason if it is dead-lettered untried. */
  err: unknown;
}

/** The two halves of a part, second first: popped from a stack, the first half goes first. */
function halves(path: string, lines: string[], err: unknown): Part[] {
  const mid = Math.ceil(lines.length / 2);
  return [
    { path: `${path}1`, lines: lines.slice(mid), err },
    { path: `${path}0`, lines: lines.slice(0, mid), err },
  ].filter((p) => p.lines.length > 0);
}

function linesOf(body: string): string[] {
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
