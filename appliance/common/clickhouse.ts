import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import type { Config } from './config/schema.js';
import { scopeEmbeddedSettings } from './embedded-settings.js';
import { ClickHouseUrlError, EmbeddedDirHeldError, EmbeddedUnavailableError } from './errors.js';

export type { ClickHouseClient } from '@clickhouse/client';

/** The database every migration, service and script uses (DESIGN.md). */
export const DATABASE = 'ja4_processing';

export interface ClickHouseHandle {
  client: ClickHouseClient;
  transport: 'http' | 'embedded';
  /** The data directory in embedded mode. */
  dir?: string;
  close(): Promise<void>;
}

const EMBEDDED_PREFIX = 'embedded:';
/** Written into an embedded directory while a process holds it, so others can name the holder. */
const HOLDER_FILE = 'ja4-holder.json';

export function parseClickHouseUrl(
  url: string,
): { transport: 'http'; url: string } | { transport: 'embedded'; dir: string } {
  if (url.startsWith(EMBEDDED_PREFIX) && url.length > EMBEDDED_PREFIX.length) {
    return { transport: 'embedded', dir: resolve(url.slice(EMBEDDED_PREFIX.length)) };
  }
  if (/^https?:\/\/[^/]+/.test(url)) return { transport: 'http', url };
  throw new ClickHouseUrlError(url);
}

/**
 * Opens @clickhouse/client on the configured transport: HTTP for a server, or the same client
 * over chdb/connection (the in-process engine) for `embedded:<dir>`. Callers see one API.
 */
export async function openClickHouse(cfg: Config['clickhouse']): Promise<ClickHouseHandle> {
  const target = parseClickHouseUrl(cfg.url);
  if (target.transport === 'http') {
    const client = createClient({
      url: target.url,
      username: cfg.username,
      password: cfg.password,
      request_timeout: cfg.request_timeout_ms,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    return { client, transport: 'http', close: () => client.close() };
  }
  return openEmbedded(target.dir);
}

async function openEmbedded(dir: string): Promise<ClickHouseHandle> {
  let createChdbConnection: typeof import('chdb/connection').createChdbConnection;
  try {
    ({ createChdbConnection } = await import('chdb/connection'));
  } catch (err) {
    throw new EmbeddedUnavailableError((err as Error).message.split('\n')[0]);
  }
  mkdirSync(dir, { recursive: true });
  // The engine locks <dir>/status itself, but its refusal reaches us only as a generic
  // "Failed to create connection"; our holder file lets the error name the process.
  const before = liveHolder(dir);
  if (before) throw new EmbeddedDirHeldError(dir, before);
  let connection: ReturnType<typeof createChdbConnection>;
  try {
    connection = createChdbConnection({ path: dir });
  } catch (err) {
    const holder = liveHolder(dir) ?? 'another process (not ja4, or one that left no holder file)';
    throw new EmbeddedDirHeldError(dir, holder, err);
  }
  const defaults = { date_time_input_format: 'best_effort' };
  const client = createClient({
    connection: scopeEmbeddedSettings(connection, defaults),
    clickhouse_settings: defaults,
  } as Parameters<typeof createClient>[0]);
  const holderPath = resolve(dir, HOLDER_FILE);
  writeFileSync(
    holderPath,
    JSON.stringify({ pid: process.pid, argv: process.argv.slice(1).join(' '), since: new Date() }),
  );
  let closed = false;
  return {
    client,
    transport: 'embedded',
    dir,
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
      rmSync(holderPath, { force: true });
    },
  };
}

/** Names the live process (other than this one) recorded as holding an embedded directory. */
export function liveHolder(dir: string): string | undefined {
  let holder: { pid: number; argv: string };
  try {
    holder = JSON.parse(readFileSync(resolve(dir, HOLDER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (holder.pid === process.pid) return undefined;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // ESRCH: the recorded holder is gone (it crashed); EPERM: it lives, under another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return `process ${holder.pid} (${holder.argv})`;
}
