import type { Logger } from 'pino';

export type Closer = () => Promise<void> | void;

export interface Shutdown {
  /** Registers a closer; closers run in reverse order of registration. */
  register(name: string, closer: Closer): void;
  /** Runs every closer once (later calls return the same promise). Resolves true if all closed in time. */
  run(reason: string): Promise<boolean>;
  /** Installs SIGINT/SIGTERM handlers that run the closers then exit. */
  installSignalHandlers(exit?: (code: number) => void): void;
}

/**
 * Graceful shutdown: on a signal, services close in the reverse order they started (the last
 * started is the first to stop, so producers stop before the sinks they feed). Each closer
 * gets what is left of one overall deadline; a closer that throws or overruns is logged and
 * the rest still run.
 */
export function createShutdown(log: Logger, deadlineMs = 15_000): Shutdown {
  const closers: { name: string; closer: Closer }[] = [];
  let running: Promise<boolean> | undefined;

  const run = (reason: string): Promise<boolean> => {
    running ??= (async () => {
      log.info({ reason, closers: closers.length }, 'shutting down');
      const deadline = performance.now() + deadlineMs;
      let clean = true;
      // A timer may fire a moment before the clock reads the deadline: once one has, it is past.
      let expired = false;
      for (const { name, closer } of [...closers].reverse()) {
        const left = deadline - performance.now();
        if (expired || left <= 0) {
          log.error({ name }, 'shutdown deadline passed; not closed');
          clean = false;
          continue;
        }
        const outcome = await closeOne(log, name, closer, left);
        if (outcome !== 'ok') clean = false;
        if (outcome === 'timeout') expired = true;
      }
      return clean;
    })();
    return running;
  };

  return {
    register(name, closer) {
      closers.push({ name, closer });
    },
    run,
    installSignalHandlers(exit = (code) => process.exit(code)) {
      const onSignal = (signal: NodeJS.Signals) => {
        if (running) {
          log.warn({ signal }, 'second signal: exiting now');
          exit(130);
          return;
        }
        void run(signal).then((clean) => exit(clean ? 0 : 1));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    },
  };
}

/** Runs one closer for at most `leftMs`, logging how it ended. */
async function closeOne(
  log: Logger,
  name: string,
  closer: Closer,
  leftMs: number,
): Promise<'ok' | 'timeout' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), leftMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve(closer()).then(() => 'ok' as const), timeout]);
    if (outcome === 'timeout') log.error({ name }, 'closer overran the shutdown deadline');
    else log.debug({ name }, 'closed');
    return outcome;
  } catch (err) {
    log.error({ name, err }, 'closer failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
