/**
 * Test helpers around Debian's real apache2: build mod_reqin_log, start an httpd with its own
 * ServerRoot and config in a temp dir on high loopback ports, and collect the JSON lines it writes
 * on a UNIX socket. Shared by the module's integration tests, its benchmark and the e2e test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APACHE_BIN = process.env.JA4_APACHE_BIN ?? '/usr/sbin/apache2';
export const APACHE_MODULES = process.env.JA4_APACHE_MODULES ?? '/usr/lib/apache2/modules';
export const MODULE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../appliance/mod_reqin_log',
);

export type Mpm = 'event' | 'worker' | 'prefork';

/** Why Apache tests cannot run here, or null when apache2, its modules and apxs are present. */
export function apacheMissing(): string | null {
  if (!existsSync(APACHE_BIN)) return `${APACHE_BIN} not found (scripts/setup-system.sh installs apache2)`;
  if (!existsSync(path.join(APACHE_MODULES, 'mod_ssl.so'))) return `mod_ssl.so not in ${APACHE_MODULES}`;
  try {
    execFileSync('apxs', ['-q', 'CC'], { stdio: 'ignore' });
  } catch {
    return 'apxs not found (scripts/setup-system.sh installs apache2-dev)';
  }
  return null;
}

/**
 * Builds the module with its Makefile (`asan` for the AddressSanitizer build, `profile` for the one
 * that counts its cycles, reqin_profile.h); returns the .so path.
 */
export function buildModule(flavour: 'release' | 'asan' | 'profile' = 'release'): string {
  // Test files run in parallel: flock serialises their builds of the same tree.
  const lock = path.join(os.tmpdir(), 'ja4-mod-reqin-log-build.lock');
  const target = flavour === 'release' ? [] : [flavour];
  execFileSync('flock', [lock, 'make', '-s', '-C', MODULE_DIR, ...target], { stdio: 'pipe' });
  return path.join(MODULE_DIR, 'build', ...target, 'mod_reqin_log.so');
}

/** A free TCP port on 127.0.0.1 (bound then released; the kernel does not hand it out again at once). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export interface ApacheOptions {
  mpm?: Mpm;
  /** Path of mod_reqin_log.so to load; omitted = Apache without the module. */
  module?: string;
  /** Adds a TLS vhost (mod_ssl, self-signed certificate made here) on `tlsPort`. */
  tls?: boolean;
  /** Config appended at server scope; `{{dir}}` is replaced by the temp dir. */
  conf?: string;
  /** Config inside both the plain and the TLS vhost. */
  vhostConf?: string;
  /** Extra environment for httpd (LD_PRELOAD, ASAN_OPTIONS). */
  env?: NodeJS.ProcessEnv;
  /** Config appended after the two vhosts (name-based vhosts that must not be the default). */
  tail?: string;
  /** Server-wide MPM directives, replacing the small defaults. */
  mpmConf?: string;
  /** Pin httpd to these CPUs (taskset -c list), e.g. '0' for benchmarks. */
  cpus?: string;
  /** Debian's stock module set and a combined access log, as a packaged Apache runs. */
  stock?: boolean;
}

/** The modules Debian's apache2 package enables by default (besides the MPM). */
export const STOCK_MODULES = [
  'access_compat',
  'alias',
  'auth_basic',
  'authn_core',
  'authn_file',
  'authz_host',
].concat([
  'authz_user',
  'autoindex',
  'deflate',
  'dir',
  'env',
  'filter',
  'negotiation',
  'reqtimeout',
  'setenvif',
]);

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

const MPM_DEFAULTS: Record<Mpm, string> = {
  prefork: 'StartServers 2\nMinSpareServers 2\nMaxSpareServers 4\nMaxRequestWorkers 16',
  // ServerLimit leaves room for the old generation's slots during a graceful restart.
  worker: 'StartServers 2\nServerLimit 8\nThreadsPerChild 8\nMaxRequestWorkers 32',
  event: 'StartServers 2\nServerLimit 8\nThreadsPerChild 8\nMaxRequestWorkers 32',
};

function makeCertificate(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
    ].concat(
      [
        '-subj',
        '/CN=tls.test',
        '-addext',
        'subjectAltName=DNS:tls.test',
        '-addext',
        'basicConstraints=CA:FALSE',
      ],
      ['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    ),
    { stdio: 'ignore' },
  );
}

function renderConf(dir: string, port: number, tlsPort: number, o: ApacheOptions): string {
  const mod = (name: string, file = `mod_${name}.so`) =>
    `LoadModule ${name}_module ${path.join(APACHE_MODULES, file)}`;
  const mpm = o.mpm ?? 'event';
  const asRoot = process.getuid?.() === 0;
  const vhost = (p: number, tls: boolean) =>
    [
      `<VirtualHost 127.0.0.1:${p}>`,
      `ServerName ${tls ? 'tls' : 'plain'}.test`,
      tls ? `SSLEngine on\nSSLCertificateFile ${dir}/cert.pem\nSSLCertificateKeyFile ${dir}/key.pem` : '',
      o.vhostConf ?? '',
      '</VirtualHost>',
    ].join('\n');
  return [
    `ServerRoot ${dir}`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    o.tls ? `Listen 127.0.0.1:${tlsPort}` : '',
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}`,
    `ErrorLog ${dir}/error.log`,
    'LogLevel notice',
    mod(`mpm_${mpm}`),
    mod('authz_core'),
    mod('mime'),
    'TypesConfig /etc/mime.types',
    mod('status'),
    mod('remoteip'),
    o.tls ? `${mod('socache_shmcb')}\n${mod('ssl')}\nSSLSessionCache shmcb:${dir}/ssl_scache(512000)` : '',
    o.module ? `LoadModule reqin_log_module ${o.module}` : '',
    o.stock ? STOCK_MODULES.map((m) => mod(m)).join('\n') : '',
    o.stock
      ? `LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined\nCustomLog ${dir}/access.log combined`
      : '',
    // Children drop root (httpd refuses to serve as root); the temp dir is made readable for them.
    asRoot ? 'User nobody\nGroup nogroup' : '',
    o.mpmConf ?? MPM_DEFAULTS[mpm],
    'KeepAlive On\nMaxKeepAliveRequests 1000\nKeepAliveTimeout 5',
    `DocumentRoot ${dir}/htdocs`,
    `<Directory ${dir}/htdocs>\nRequire all granted\n</Directory>`,
    (o.conf ?? '').replaceAll('{{dir}}', dir),
    vhost(port, false),
    o.tls ? vhost(tlsPort, true) : '',
    (o.tail ?? '').replaceAll('{{dir}}', dir).replaceAll('{{port}}', String(port)),
  ].join('\n');
}

async function waitForPort(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`apache2 exited (${proc.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`apache2 did not listen on ${port}: ${log()}`);
}

function httpOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('error', () => resolve(false));
  });
}

/** Starts `apache2 -DFOREGROUND` with a config of its own in a fresh temp dir. */
export async function startApache(o: ApacheOptions = {}): Promise<ApacheServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-apache-'));
  chmodSync(dir, 0o755);
  const docroot = path.join(dir, 'htdocs');
  mkdirSync(docroot, { mode: 0o755 });
  writeFileSync(path.join(docroot, 'index.html'), '<!doctype html><title>ja4</title><p>hello</p>\n');
  if (o.tls) makeCertificate(dir);
  const [port, tlsPort] = [await freePort(), o.tls ? await freePort() : 0];
  const confPath = path.join(dir, 'httpd.conf');
  writeFileSync(confPath, renderConf(dir, port, tlsPort, o));
  const errorLog = () => {
    try {
      return readFileSync(path.join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const args = ['-d', dir, '-f', confPath, '-DFOREGROUND'];
  // taskset execs httpd in place, so the pid (and its signals) stay httpd's.
  const [cmd, argv] = o.cpus ? ['taskset', ['-c', o.cpus, APACHE_BIN, ...args]] : [APACHE_BIN, args];
  const proc = spawn(cmd, argv, {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // prefork signals its whole process group (killpg) on restart and stop: give it its own.
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  await waitForPort(port, proc, () => `${stderr}\n${errorLog()}`);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    dir,
    docroot,
    port,
    tlsPort,
    pid: proc.pid!,
    errorLog,
    async graceful() {
      const generations = () => errorLog().split('resuming normal operations').length;
      const before = generations();
      proc.kill('SIGUSR1');
      const deadline = Date.now() + 15_000;
      while (generations() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (generations() === before) throw new Error(`graceful restart did not complete: ${errorLog()}`);
      // An old child may still accept and then drop a connection while it winds down.
      while (!(await httpOk(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(killGroup, 10_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killGroup);
      if (!process.env.JA4_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { type AsanRun, asanRun } from './asan.js';

export { type AsanRun, asanRun, hasAsanRuntime } from './asan.js';
export { createLineSink, type LineSink } from './line-sink.js';

/**
 * Which builds of the module a suite runs: 'release' always, 'asan' too when libasan is usable
 * (the same tests again under -fsanitize=address). Says once on stderr what is skipped and why.
 */
export function moduleFlavours(): {
  missing: string | null;
  flavours: ('release' | 'asan')[];
  asan: AsanRun | undefined;
} {
  const missing = apacheMissing();
  if (missing) console.warn(`skipping mod_reqin_log tests: ${missing}`);
  const asan = missing ?? asanRun();
  if (typeof asan === 'string') console.warn(`skipping the ASan build of mod_reqin_log: ${asan}`);
  const usable = typeof asan === 'string' ? undefined : asan;
  return { missing, flavours: usable ? ['release', 'asan'] : ['release'], asan: usable };
}
