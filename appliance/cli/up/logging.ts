import path from 'node:path';
import { type Config, LOG_TO_STDERR } from '../../common/index.js';

/** `ja4 up --log-format`: JSON lines or pino-pretty, on stderr, whatever the terminal. */
export type LogFormat = 'json' | 'pretty';

/** Where `ja4 up` keeps its log when it has a terminal to itself. */
export const UP_LOG_FILE = './var/log/ja4.log';

export interface UpLogChoice {
  log: Config['log'];
  /** For the header: the file, or "stderr". */
  where: string;
}

/**
 * Where `ja4 up`'s logs go. On a terminal the console is the status block, so the JSON log goes
 * to a file (log.file, else ./var/log/ja4.log). Off a terminal (systemd, a container, a pipe)
 * it goes to stderr, where the journal or the collector takes it. `--log-format json|pretty`
 * puts it on stderr in that format even on a terminal; `log.file: "-"` does too.
 */
export function upLogChoice(log: Config['log'], o: { tty: boolean; format?: LogFormat }): UpLogChoice {
  if (o.format) {
    return {
      log: { ...log, file: LOG_TO_STDERR, pretty: o.format === 'pretty' ? 'always' : 'never' },
      where: 'stderr',
    };
  }
  const file = log.file !== '' ? log.file : o.tty ? UP_LOG_FILE : LOG_TO_STDERR;
  if (file === LOG_TO_STDERR) return { log: { ...log, file }, where: 'stderr' };
  return { log: { ...log, file }, where: path.relative(process.cwd(), path.resolve(file)) || file };
}
