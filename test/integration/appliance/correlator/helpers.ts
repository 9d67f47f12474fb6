import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Config, type CorrelatedRow, defaultConfig } from '../../../../appliance/common/index.js';
import type { Batch } from '../../../../appliance/correlator/ports/batch.js';
import type { RowSink } from '../../../../appliance/correlator/ports/sink.js';

/** A config for one test: sockets and spool in a fresh temp dir, no metrics port, short timers. */
export function testConfig(
  over: Partial<Config['correlator']> = {},
  dir = mkdtempSync(join(tmpdir(), 'ja4-corr-')),
) {
  const base = defaultConfig();
  const config: Config = {
    ...base,
    sockets: { ...base.sockets, http: join(dir, 'http.socket'), network: join(dir, 'network.socket') },
    correlator: {
      ...base.correlator,
      spool_dir: join(dir, 'spool'),
      metrics_port: 0,
      grace_ms: 300,
      batch_age_ms: 50,
      retry_min_ms: 20,
      retry_max_ms: 200,
      ...over,
    },
  };
  return { config, dir };
}

/** Logs only errors (tests read metrics and rows, not log lines). */
export const quietLog = pino({ level: 'error' });

/** A sink that keeps rows in memory. */
export function memorySink() {
  const rows: CorrelatedRow[] = [];
  const sink: RowSink = {
    name: 'memory',
    async write(batch: Batch) {
      for (const line of batch.body.split('\n')) if (line) rows.push(JSON.parse(line));
    },
    async close() {},
  };
  return { sink, rows };
}

/** A producer connection to one of the correlator's sockets. */
export async function producer(path: string): Promise<Socket & { send(obj: unknown): void }> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return Object.assign(socket, {
    send(obj: unknown) {
      socket.write(`${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n`);
    },
  });
}

export async function until(
  cond: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The value of one sample of the registry's text exposition, or 0. */
export async function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
    if (Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`)))
      return Number(line.split(' ').pop());
  }
  return 0;
}
