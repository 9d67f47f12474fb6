import { Ja4Error } from '../../common/index.js';
import type { RowState, UpConsole } from './console.js';

/** A start-up step failed and its row says why; `ja4 up` stops what it started and exits 1. */
export class StepFailed extends Error {}

/**
 * One readable line for an error that stopped a service: a port in use names the key that
 * moves it, a catalogued error is its own message, anything else its first line.
 */
export function errorLine(err: unknown, portKey?: string): string {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e?.code === 'EADDRINUSE') {
    const where = e.port ? `${e.address ?? '127.0.0.1'}:${e.port}` : 'its port';
    return `${where} is in use${portKey ? `: set ${portKey}` : ''}`;
  }
  const text = err instanceof Ja4Error ? err.message : String(e?.message ?? err);
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ');
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}

export interface StepOptions {
  /** The config key (and variable) that moves its port, named when the port is taken. */
  portKey?: string;
  /** A failure is a row, not the end of `ja4 up` (the web host, the sentinel). */
  optional?: boolean;
}

/**
 * Runs one service's start: its row says `ready` with the note `fn` returns, or `failed` with
 * one line; a required service's failure throws StepFailed once its row is printed.
 */
export async function step<T>(
  out: UpConsole,
  service: string,
  address: string,
  fn: () => Promise<{ value: T; note?: string; address?: string; state?: RowState }>,
  o: StepOptions = {},
): Promise<T | undefined> {
  try {
    const r = await fn();
    out.row(service, r.address ?? address, r.state ?? 'ready', r.note);
    return r.value;
  } catch (err) {
    out.row(service, address, 'failed', errorLine(err, o.portKey));
    if (o.optional) return undefined;
    throw new StepFailed(service, { cause: err });
  }
}
