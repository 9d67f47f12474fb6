import type { Batch } from '../ports/batch.js';
import type { RowSink } from '../ports/sink.js';

/** JSON lines on stdout (debugging, or piping into another tool). Honours back-pressure. */
export class StdoutSink implements RowSink {
  readonly name = 'stdout';

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  write(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(batch.body, (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {}
}
