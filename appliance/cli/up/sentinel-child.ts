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
  const slog = log.child({ service: 'sentinel', pid: child.pid });
  const health: SentinelHealth = {
    pid: child.pid,
    iface: config.sentinel.iface,
    ports,
    beats: [],
    exited: null,
    lastProblem: '',
  };
  let ready = false;
  let closing = false;
  let onReady: (line: string) => void = () => undefined;
  const readyPromise = new Promise<string>((resolve, reject) => {
    onReady = resolve;
    // Opening the device takes a second or two; a sentinel still silent after this is stuck.
    setTimeout(
      () => reject(new Error(`sentinel not capturing after ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    ).unref();
    child.once('exit', (code, signal) => {
      health.exited = { code, signal, at: Date.now() };
      const how = signal ?? `code ${code}`;
      if (!ready)
        reject(new Error(`sentinel exited (${how})${health.lastProblem ? `: ${health.lastProblem}` : ''}`));
      else if (!closing) {
        slog.error({ code, signal }, 'sentinel exited; capture stopped');
        onUnexpectedExit(how);
      }
    });
  });
  readyPromise.catch(() => undefined);
  child.on('message', (m) => {
    if (!isHeartbeat(m)) return;
    health.beats.push(m);
    if (health.beats.length > KEPT_BEATS) health.beats.shift();
  });
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      const msg = relayLine(line, slog, health);
      if (!ready && msg === CAPTURING) {
        ready = true;
        onReady(`capturing on ${config.sentinel.iface}`);
      }
    });
  }
  return {
    pid: child.pid,
    ready: readyPromise,
    health: () => health,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (health.exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
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
