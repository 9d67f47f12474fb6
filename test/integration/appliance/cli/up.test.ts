/**
 * `ja4 up` as a process: its console is one aligned row per service whatever the log level,
 * the sentinel started (or the one command that allows it), the web host off when told, logs
 * off the console; SIGINT stops everything in time although a client holds a dashboard request
 * half-sent; a service that cannot start is one readable line and exit code 1.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCapture } from '../../../../appliance/cli/up/capture-rights.js';
import { RUNNING_LINE } from '../../../../appliance/cli/up/console.js';
import { freePort } from '../../../helpers/apache.js';
import { type Ja4Up, startJa4Up } from '../../../helpers/ja4-up.js';
import { buildWeb } from '../../../helpers/web-build.js';

/** The row of `service` in ja4 up's console, split into address, state and note. */
function row(lines: string[], service: string) {
  const line = lines.find((l) => l.startsWith(`  ${service.padEnd(11)} `));
  const m = line ? /^(.+?) +(ready|skipped|off|failed)(?: +(.*))?$/.exec(line.slice(14)) : null;
  return m ? { address: m[1], state: m[2], note: m[3] ?? '' } : undefined;
}

function env(dir: string, ports: Record<string, number>): NodeJS.ProcessEnv {
  return {
    JA4_CLICKHOUSE_URL: `embedded:${dir}/var/clickhouse`,
    JA4_DASHBOARD_PORT: String(ports.dashboard),
    JA4_DASHBOARD_WEB_ROOT: ports.webRoot as unknown as string,
    JA4_DETECTOR_PORT: String(ports.detector),
    JA4_DETECTOR_FIRST_CYCLE_DELAY_SECONDS: '3600',
    JA4_CORRELATOR_METRICS_PORT: '0',
    JA4_SENTINEL_PORTS: String(ports.sentinel),
    JA4_SENTINEL_METRICS_PORT: '0',
    // The rows must not depend on the log level (the sentinel's once did).
    JA4_LOG_LEVEL: 'warn',
  };
}

describe('ja4 up', () => {
  let dir: string;
  let up: Ja4Up;
  let dashboardPort: number;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = await buildWeb();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-up-'));
    chmodSync(dir, 0o755);
    dashboardPort = await freePort();
    const ports = { dashboard: dashboardPort, detector: await freePort(), sentinel: await freePort() };
    up = startJa4Up({
      cwd: dir,
      args: ['--no-seed', '--no-web-host'],
      env: env(dir, { ...ports, webRoot: webRoot as unknown as number }),
    });
    await up.waitForLine(new RegExp(`^${RUNNING_LINE.replace(/[.;]/g, '\\$&')}$`), 90_000);
  }, 120_000);

  afterAll(async () => {
    await up?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one aligned row per service, the dashboard URL, and no seed when told not to', () => {
    const out = up.lines.map((l) => l.line);
    for (const svc of ['clickhouse', 'correlator', 'detector', 'dashboard']) {
      expect(
        out.filter((l) => l.startsWith(`  ${svc} `)),
        out.join('\n'),
      ).toHaveLength(1);
      expect(row(out, svc)?.state, out.join('\n')).toBe('ready');
    }
    expect(row(out, 'dashboard')?.address).toBe(`http://127.0.0.1:${dashboardPort}/`);
    // The state column starts at the same place on every row.
    const rows = out.filter((l) => /^ {2}\S/.test(l) && / (ready|skipped|off|failed) /.test(l));
    expect(new Set(rows.map((l) => l.search(/ (ready|skipped|off|failed) /))).size).toBe(1);
    expect(out.some((l) => l.startsWith('  demo data'))).toBe(false);
    expect(row(out, 'web host')).toMatchObject({ state: 'off', note: '--no-web-host' });
    const sentinel = row(out, 'sentinel');
    if (canCapture()) expect(sentinel).toMatchObject({ state: 'ready' });
    else expect(sentinel?.note).toMatch(/CAP_NET_RAW: sudo setcap/);
    expect(out).toContain(
      `  See it:          http://127.0.0.1:${dashboardPort}/#/ip/127.0.0.1   (log in as admin; it is there within a minute)`,
    );
  });

  it('keeps the logs off the console: JSON lines on stderr when stdout is not a terminal', () => {
    expect(up.lines[0].line).toMatch(/^ja4-platform \d+\.\d+\.\d+ \(logs: stderr\)$/);
    expect(up.lines.some((l) => l.line.startsWith('{'))).toBe(false);
  });

  it('stops on SIGINT with exit code 0 although a dashboard request is left half-sent', async () => {
    const sock = net.connect(dashboardPort, '127.0.0.1');
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // no blank line: never complete
    sock.on('error', () => undefined);
    const code = await up.stop('SIGINT', 40_000);
    sock.destroy();
    // 0 only if every closer finished inside the 30 s shutdown deadline (1 otherwise).
    expect(code, up.stderrTail()).toBe(0);
  }, 60_000);

  it('says in one line which service did not start and why, and exits 1', async () => {
    const busy = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    const other = mkdtempSync(path.join(os.tmpdir(), 'ja4-up-busy-'));
    try {
      const ports = { dashboard: port, detector: await freePort(), sentinel: await freePort() };
      const failing = startJa4Up({
        cwd: other,
        args: ['--no-seed', '--no-web-host', '--no-sentinel'],
        env: env(other, { ...ports, webRoot: webRoot as unknown as number }),
      });
      const line = await failing.waitForLine(/^ {2}dashboard /, 90_000);
      expect(line).toMatch(
        new RegExp(
          `failed +127\\.0\\.0\\.1:${port} is in use: set dashboard\\.port \\(JA4_DASHBOARD_PORT\\)$`,
        ),
      );
      await failing.waitForLine(/^ja4 up: stopping, dashboard did not start/, 30_000);
      // It stops what it started and exits by itself.
      const code = await new Promise<number | null>((resolve) => {
        if (failing.proc.exitCode !== null) resolve(failing.proc.exitCode);
        else failing.proc.once('exit', (c) => resolve(c));
        setTimeout(() => resolve(null), 40_000).unref();
      });
      await failing.stop('SIGKILL');
      expect(code, failing.stderrTail()).toBe(1);
    } finally {
      busy.close();
      rmSync(other, { recursive: true, force: true });
    }
  }, 120_000);
});
