import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Config, Logger } from '../../common/index.js';
import { HEARTBEAT_MS, isHeartbeat, type SentinelHeartbeat } from './sentinel-heartbeat.js';

const BIN = fileURLToPath(new URL('../../../bin/ja4.js', import.meta.url));

/** The sentinel's info line once the capture device is open (appliance/sentinel/live/sentinel.ts). */
const CAPTURING = 'sentinel capturing';
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];
const READY_TIMEOUT_MS = 30_000;
/** Heartbeats kept for rates: enough for a window of about 20 s. */
const KEPT_BEATS = 12;

/** What `ja4 up` knows of its sentinel: its heartbeats, and how it ended if it did. */
export interface SentinelHealth {
  pid?: number;
  iface: string;
  ports: number[];
  /** Oldest first; the last is the latest. */
  beats: SentinelHeartbeat[];
  exited: { code: number | null; signal: string | null; at: number } | null;
  /** Its last warning or error line. */
  lastProblem: string;
}

export interface SentinelChild {
  readonly pid?: number;
  /** Resolves once the sentinel says it is capturing; rejects (with its last error line) if it exits first. */
  ready: Promise<string>;
  health(): SentinelHealth;
  close(): Promise<void>;
}

/** pino's numeric levels (10 trace … 60 fatal) to names. */
const levelName = (n: unknown): Level =>
  LEVELS[Math.min(5, Math.max(0, Math.floor(Number(n) / 10) - 1))] ?? 'info';

function sentinelArgs(config: Config, ports: number[], configFile?: string): string[] {
  return [
    BIN,
    ...(configFile ? ['--config', configFile] : []),
    'sentinel',
    '--iface',
    config.sentinel.iface,
    '--ports',
    ports.join(','),
    '--socket',
    config.sockets.network,
    '--heartbeat-ms',
    String(HEARTBEAT_MS),
  ];
}

/**
 * Runs the sentinel as its own process (DESIGN: it needs capture rights and no database),
 * capturing `ports` on sentinel.iface and writing to `ja4 up`'s network socket. It beats over
 * an IPC channel (counters every HEARTBEAT_MS; the channel closing also stops it if this
 * process dies). It logs JSON on stderr at info or finer (its "capturing" line is the ready
 * signal), relayed through this process's logger at the child's level, so `log.level` still filters.
 */
export function spawnSentinel(
  config: Config,
  log: Logger,
  ports: number[],
  configFile?: string,
  onUnexpectedExit: (how: string) => void = () => undefined,
): SentinelChild {
  const childLevel = ['trace', 'debug'].includes(config.log.level) ? config.log.level : 'info';
  const child: ChildProcess = spawn(process.execPath, sentinelArgs(config, ports, configFile), {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, JA4_LOG_LEVEL: childLevel, JA4_LOG_PRETTY: 'never', JA4_LOG_FILE: '-' },
  });
  const run: Run = {
    child,
    slog: log.child({ service: 'sentinel', pid: child.pid }),
    health: { pid: child.pid, iface: config.sentinel.iface, ports, beats: [], exited: null, lastProblem: '' },
    ready: false,
    closing: false,
    onReady: () => undefined,
  };
  const readyPromise = watchExit(run, onUnexpectedExit);
  readyPromise.catch(() => undefined);
  child.on('message', (m) => {
    if (!isHeartbeat(m)) return;
    run.health.beats.push(m);
    if (run.health.beats.length > KEPT_BEATS) run.health.beats.shift();
  });
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      const msg = relayLine(line, run.slog, run.health);
      if (!run.ready && msg === CAPTURING) {
        run.ready = true;
        run.onReady(`capturing on ${config.sentinel.iface}`);
      }
    });
  }
  return { pid: child.pid, ready: readyPromise, health: () => run.health, close: () => stop(run) };
}

/** One spawned sentinel: its process, what is known of it, and whether it got ready or is closing. */
interface Run {
  child: ChildProcess;
  slog: Logger;
  health: SentinelHealth;
  ready: boolean;
  closing: boolean;
  onReady: (line: string) => void;
}

/**
 * The ready promise: resolved by run.onReady (the "capturing" line); rejected by a timeout or an
 * exit before it. An exit after it, not asked for, is logged and reported to onUnexpectedExit.
 */
function watchExit(run: Run, onUnexpectedExit: (how: string) => void): Promise<string> {
  const { child, health } = run;
  return new Promise<string>((resolve, reject) => {
    run.onReady = resolve;
    // Opening the device takes a second or two; a sentinel still silent after this is stuck.
    setTimeout(
      () => reject(new Error(`sentinel not capturing after ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    ).unref();
    child.once('exit', (code, signal) => {
      health.exited = { code, signal, at: Date.now() };
      const how = signal ?? `code ${code}`;
      if (!run.ready)
        reject(new Error(`sentinel exited (${how})${health.lastProblem ? `: ${health.lastProblem}` : ''}`));
      else if (!run.closing) {
        run.slog.error({ code, signal }, 'sentinel exited; capture stopped');
        onUnexpectedExit(how);
      }
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
function stop(run: Run): Promise<void> {
  const { child } = run;
  return new Promise<void>((resolve) => {
    run.closing = true;
    if (run.health.exited) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Relays one stderr line of the child through `slog`; returns its message. */
function relayLine(line: string, slog: Logger, health: SentinelHealth): string | undefined {
  if (line.trim() === '') return undefined;
  let rec: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed && typeof parsed === 'object') rec = parsed as Record<string, unknown>;
  } catch {
    // a plain line: `ja4: <error>` from the CLI, or a stack
  }
  if (!rec) {
    health.lastProblem = line.replace(/^ja4: /, '');
    slog.warn({ line }, 'sentinel output');
    return undefined;
  }
  const { level, msg, time: _t, pid: _p, hostname: _h, service: _s, ...fields } = rec;
  const name = levelName(level);
  if (name === 'warn' || name === 'error' || name === 'fatal') health.lastProblem = String(msg);
  slog[name](fields, String(msg));
  return String(msg);
}
