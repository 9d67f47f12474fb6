import pino, { type Logger } from 'pino';
import type { Config } from './config/schema.js';

export type { Logger } from 'pino';

/** `log.file` value that means stderr whatever the terminal. */
export const LOG_TO_STDERR = '-';

/**
 * The process logger: JSON lines, or human-readable on a TTY (log.pretty = auto). With
 * `log.file` set to a path the JSON lines are appended to that file instead (its directory is
 * created); `-` or empty means `stream`. Services take a child with `{ service }` so every line
 * says who wrote it.
 */
export function createLogger(
  cfg: Pick<Config['log'], 'level' | 'pretty'> & { file?: string },
  stream: NodeJS.WritableStream = process.stderr,
): Logger {
  const file = cfg.file ?? '';
  if (file !== '' && file !== LOG_TO_STDERR) {
    // Asynchronous writes; pino flushes what is buffered when the process exits.
    return pino(
      { level: cfg.level },
      pino.destination({ dest: file, mkdir: true, append: true, sync: false }),
    );
  }
  const pretty =
    cfg.pretty === 'always' || (cfg.pretty === 'auto' && (stream as { isTTY?: boolean }).isTTY === true);
  if (pretty) {
    return pino({
      level: cfg.level,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino({ level: cfg.level }, stream);
}

/**
 * Logs at most once per interval per key: repeated per-event failures become one warning with
 * the count of what was suppressed (STYLE rule 9).
 */
export function rateLimitedWarn(log: Logger, intervalMs = 60_000) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string, fields: Record<string, unknown>, msg: string, now = Date.now()): void => {
    const entry = last.get(key);
    if (entry && now - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    log.warn({ ...fields, suppressed: entry?.suppressed ?? 0 }, msg);
    last.set(key, { at: now, suppressed: 0 });
  };
}
