/**
 * The deterministic half of `npm run bench:module`: user-space instructions per request of
 * mod_reqin_log, counted by `valgrind --tool=callgrind`. One httpd -X (one process, event MPM,
 * Debian's stock module set and a combined access log, as the wrk half) serves N keep-alive requests
 * for a static file from one client, with the module on and off (same binary). The cost per request
 * is the slope between a short and a long run, so start-up and shutdown cancel out. Unlike
 * requests/s this does not move with the load other sessions put on the machine; it misses kernel
 * time (the socket sends), which batching keeps to a fraction of a microsecond per event.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  COMBINED_LOG_FORMAT,
  freePort,
  loadModuleLine,
  STOCK_MODULES,
  waitForPort,
} from '../../appliance/web-host/index.js';
import { APACHE } from './apache-host.js';
import { createLineSink } from './line-sink.js';

/** A request as a current Chrome sends it for a page: long User-Agent, Accept and sec-* headers. */
export const BROWSER_HEADERS: Record<string, string> = {
  'sec-ch-ua': '"Chromium";v="130", "Google Chrome";v="130", "Not?A_Brand";v="99"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
  'Upgrade-Insecure-Requests': '1',
  'User-Agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  Accept:
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  'Sec-Fetch-Site': 'none',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-User': '?1',
  'Sec-Fetch-Dest': 'document',
  'Accept-Encoding': 'gzip, deflate, br, zstd',
  'Accept-Language': 'en-GB,en-US;q=0.9,en;q=0.8',
};

export interface CallgrindCost {
  /** 'minimal': Host and Connection only, as wrk sends; 'browser': BROWSER_HEADERS. */
  headers: 'minimal' | 'browser';
  /** Instructions per request without and with the module, and the difference. */
  off: number;
  on: number;
  module: number;
  module_pct: number;
}

export function hasValgrind(): boolean {
  return ['/usr/bin/valgrind', '/usr/local/bin/valgrind'].some((p) => existsSync(p));
}

function config(dir: string, port: number, module?: string): string {
  const mod = (m: string) => loadModuleLine(APACHE.modules, m);
  return [
    `ServerRoot ${dir}`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}`,
    `ErrorLog ${dir}/error.log`,
    ...['mpm_event', 'authz_core', 'mime', 'status', 'remoteip', ...STOCK_MODULES].map(mod),
    'TypesConfig /etc/mime.types',
    COMBINED_LOG_FORMAT,
    `CustomLog ${dir}/access.log combined`,
    module ? `LoadModule reqin_log_module ${module}\nReqinLogSocket ${dir}/http.socket` : '',
    'KeepAlive On\nMaxKeepAliveRequests 100000\nKeepAliveTimeout 5',
    `DocumentRoot ${dir}/htdocs`,
    `<Directory ${dir}/htdocs>\nRequire all granted\n</Directory>`,
  ].join('\n');
}

async function serve(port: number, n: number, headers: Record<string, string>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/index.html', agent, headers }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
    });
  }
  agent.destroy();
}

/** Total instructions of one httpd -X under callgrind serving n requests. */
async function instructions(n: number, headers: Record<string, string>, module?: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-callgrind-'));
  // As root, httpd would switch to nobody before callgrind writes its file: run it all as nobody.
  const asRoot = process.getuid?.() === 0;
  chmodSync(dir, 0o777);
  mkdirSync(path.join(dir, 'htdocs'), { mode: 0o755 });
  writeFileSync(path.join(dir, 'htdocs/index.html'), '<!doctype html><title>ja4</title><p>hello</p>\n');
  const port = await freePort();
  writeFileSync(path.join(dir, 'httpd.conf'), config(dir, port, module));
  const sink = module ? await createLineSink(path.join(dir, 'http.socket')) : undefined;
  if (sink) chmodSync(sink.path, 0o777);
  const out = path.join(dir, 'callgrind.out');
  const argv = ['--tool=callgrind', '--vgdb=no', `--callgrind-out-file=${out}`, APACHE.httpd, '-X'];
  argv.push('-d', dir, '-f', path.join(dir, 'httpd.conf'));
  const [cmd, args] = asRoot
    ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'valgrind', ...argv]]
    : ['valgrind', argv];
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    await waitForPort(port, proc, () => `httpd under valgrind (${dir})`, 60_000);
    await serve(port, n, headers);
    // Let the flusher deliver the last batch, so its work is counted too.
    await sink?.waitFor(() => sink.lines.length >= n, 10_000).catch(() => undefined);
    proc.kill('SIGTERM');
    await exited;
    const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(out, 'utf8'));
    if (!m) throw new Error(`no instruction total in ${out}`);
    return Number(m[1]);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions per request with and without the module (slope between n1 and n2 requests). */
export async function callgrindCost(
  module: string,
  headers: CallgrindCost['headers'],
  n1 = 200,
  n2 = 2200,
): Promise<CallgrindCost> {
  const h = headers === 'browser' ? BROWSER_HEADERS : {};
  const perRequest = async (so?: string) =>
    ((await instructions(n2, h, so)) - (await instructions(n1, h, so))) / (n2 - n1);
  const off = Math.round(await perRequest());
  const on = Math.round(await perRequest(module));
  return { headers, off, on, module: on - off, module_pct: Number((((on - off) / off) * 100).toFixed(1)) };
}
