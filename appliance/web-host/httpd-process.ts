import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeSelfSignedCertificate } from './certificate.js';
import { HttpdRestartError, HttpdStartError } from './errors.js';
import { type HttpdConfOptions, renderHttpdConf } from './httpd-conf.js';
import { type ApacheLocations, locateApache } from './locate.js';
import { accepts, freePort, httpOk, sleep } from './ports.js';

export interface ApacheOptions extends HttpdConfOptions {
  /** httpd and its modules; found with locateApache() when omitted. */
  apache?: ApacheLocations;
  /** Server root to use; omitted = a fresh temp dir, removed by stop(). */
  dir?: string;
  /** Keep a temp server root after stop() (to read its logs). */
  keepDir?: boolean;
  /** Extra environment for httpd (LD_PRELOAD, ASAN_OPTIONS). */
  env?: NodeJS.ProcessEnv;
  /** Pin httpd to these CPUs (taskset -c list), e.g. '0' for benchmarks. */
  cpus?: string;
  /** How long httpd may take to listen (default 15 s). */
  startTimeoutMs?: number;
  /** The plain port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** The TLS port on 127.0.0.1, with `tls` (default: a free one). */
  tlsPort?: number;
  /** htdocs/index.html (default: a one-line page). */
  indexHtml?: string;
}

export interface ApacheServer {
  dir: string;
  docroot: string;
  port: number;
  tlsPort: number;
  pid: number;
  errorLog(): string;
  /** SIGUSR1, then waits until the new generation is serving. */
  graceful(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until `port` accepts connections; fails at once if the child exits first. */
export async function waitForPort(
  port: number,
  proc: ChildProcess,
  log: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new HttpdStartError(`httpd exited (${proc.exitCode})`, log());
    if (await accepts(port)) return;
    await sleep(50);
  }
  throw new HttpdStartError(`httpd did not listen on ${port}`, log());
}

/**
 * Waits until httpd has written its pid file, which it does after it opens its ports: a later
 * start finds an httpd left serving from this directory by it (stale.ts), so a start is not
 * done before it exists.
 */
async function waitForPidFile(dir: string, proc: ChildProcess, log: () => string, timeoutMs = 15_000) {
  const file = path.join(dir, 'httpd.pid');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new HttpdStartError(`httpd exited (${proc.exitCode})`, log());
    if (existsSync(file) && readFileSync(file, 'utf8').trim() !== '') return;
    await sleep(50);
  }
  throw new HttpdStartError(`httpd did not write ${file}`, log());
}

function prepareRoot(o: ApacheOptions): { dir: string; docroot: string } {
  const dir = o.dir ?? mkdtempSync(path.join(os.tmpdir(), 'ja4-apache-'));
  // httpd's children run as nobody when started as root: the root must be readable to them.
  chmodSync(dir, 0o755);
  const docroot = path.join(dir, 'htdocs');
  mkdirSync(docroot, { mode: 0o755, recursive: true });
  writeFileSync(
    path.join(docroot, 'index.html'),
    o.indexHtml ?? '<!doctype html><title>ja4</title><p>hello</p>\n',
  );
  if (o.tls && !o.certificate)
    makeSelfSignedCertificate({
      keyFile: path.join(dir, 'key.pem'),
      certFile: path.join(dir, 'cert.pem'),
      name: 'tls.test',
    });
  return { dir, docroot };
}

function spawnHttpd(o: ApacheOptions, httpd: string, dir: string, confPath: string): ChildProcess {
  const args = ['-d', dir, '-f', confPath, '-DFOREGROUND'];
  // taskset execs httpd in place, so the pid (and its signals) stay httpd's.
  const [cmd, argv] = o.cpus ? ['taskset', ['-c', o.cpus, httpd, ...args]] : [httpd, args];
  return spawn(cmd, argv, {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // prefork signals its whole process group (killpg) on restart and stop: give it its own.
    detached: true,
  });
}

/** Starts `httpd -DFOREGROUND` as a child with a config of its own (renderHttpdConf). */
export async function startApache(o: ApacheOptions = {}): Promise<ApacheServer> {
  const apache = o.apache ?? locateApache();
  const { dir, docroot } = prepareRoot(o);
  const port = o.port || (await freePort());
  const tlsPort = o.tls ? o.tlsPort || (await freePort()) : 0;
  const confPath = path.join(dir, 'httpd.conf');
  writeFileSync(confPath, renderHttpdConf({ dir, port, tlsPort, modules: apache.modules }, o));
  const errorLog = () => {
    try {
      return readFileSync(path.join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const proc = spawnHttpd(o, apache.httpd, dir, confPath);
  const killGroup = () => {
    try {
      process.kill(-(proc.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  await waitForPort(port, proc, () => `${stderr}\n${errorLog()}`, o.startTimeoutMs);
  await waitForPidFile(dir, proc, () => `${stderr}\n${errorLog()}`, o.startTimeoutMs);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    dir,
    docroot,
    port,
    tlsPort,
    pid: proc.pid as number,
    errorLog,
    async graceful() {
      const generations = () => errorLog().split('resuming normal operations').length;
      const before = generations();
      proc.kill('SIGUSR1');
      const deadline = Date.now() + 15_000;
      while (generations() === before && Date.now() < deadline) await sleep(50);
      if (generations() === before) throw new HttpdRestartError(errorLog());
      // An old child may still accept and then drop a connection while it winds down.
      while (!(await httpOk(port)) && Date.now() < deadline) await sleep(50);
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(killGroup, 10_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killGroup);
      if (!o.dir && !o.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
