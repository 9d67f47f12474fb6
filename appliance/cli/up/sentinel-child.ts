import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Config, Logger } from '../../common/index.js';

const BIN = fileURLToPath(new URL('../../../bin/ja4.js', import.meta.url));

/** The sentinel's info line once the capture device is open (appliance/sentinel/live/sentinel.ts). */
const CAPTURING = 'sentinel capturing';
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];
const READY_TIMEOUT_MS = 30_000;

export interface SentinelChild {
  readonly pid?: number;
  /** Resolves once the sentinel says it is capturing; rejects (with its last error line) if it exits first. */
  ready: Promise<string>;
  close(): Promise<void>;
}

/** pino's numeric levels (10 trace … 60 fatal) to names. */
const levelName = (n: unknown): Level =>
  LEVELS[Math.min(5, Math.max(0, Math.floor(Number(n) / 10) - 1))] ?? 'info';

/**
 * Runs the sentinel as its own process (DESIGN: it needs capture rights and no database),
 * capturing loopback for the configured ports and writing to `ja4 up`'s network socket.
 * The child logs JSON at info or finer (its "capturing" line is the ready signal) and every line
 * is relayed through this process's logger at the child's level, so `log.level` still filters.
 */
export function spawnSentinel(config: Config, log: Logger, configFile?: string): SentinelChild {
  const args = [
    BIN,
    ...(configFile ? ['--config', configFile] : []),
    'sentinel',
    '--iface',
    config.sentinel.iface,
    '--ports',
    config.sentinel.ports.join(','),
    '--socket',
    config.sockets.network,
  ];
  const childLevel = ['trace', 'debug'].includes(config.log.level) ? config.log.level : 'info';
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, JA4_LOG_LEVEL: childLevel, JA4_LOG_PRETTY: 'never' },
  });
  const slog = log.child({ service: 'sentinel', pid: child.pid });
  let exited = false;
  let ready = false;
  let closing = false;
  let lastProblem = '';
  let onReady: (line: string) => void = () => undefined;
  const readyPromise = new Promise<string>((resolve, reject) => {
    onReady = resolve;
    // Opening the device takes a second or two; a sentinel still silent after this is stuck.
    setTimeout(
      () => reject(new Error(`sentinel not capturing after ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    ).unref();
    child.once('exit', (code, signal) => {
      exited = true;
      const how = signal ?? `code ${code}`;
      if (!ready) reject(new Error(`sentinel exited (${how})${lastProblem ? `: ${lastProblem}` : ''}`));
      else if (!closing) slog.error({ code, signal }, 'sentinel exited; capture stopped');
    });
  });
  readyPromise.catch(() => undefined);

  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.trim() === '') return;
      let rec: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed && typeof parsed === 'object') rec = parsed as Record<string, unknown>;
      } catch {
        // a plain line: `ja4: <error>` from the CLI, or a stack
      }
      if (!rec) {
        lastProblem = line.replace(/^ja4: /, '');
        slog.warn({ line }, 'sentinel output');
        return;
      }
      const { level, msg, time: _t, pid: _p, hostname: _h, service: _s, ...fields } = rec;
      const name = levelName(level);
      if (name === 'warn' || name === 'error' || name === 'fatal') lastProblem = String(msg);
      slog[name](fields, String(msg));
      if (!ready && msg === CAPTURING) {
        ready = true;
        onReady(
          `capturing on ${String(fields.iface ?? config.sentinel.iface)} (${String(fields.filter ?? '')})`,
        );
      }
    });
  }
  return {
    pid: child.pid,
    ready: readyPromise,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
