/**
 * `ja4 up` as a process: one ready line per service even with logging turned down, the sentinel
 * started (or the reason it cannot be, with how to enable it), and SIGINT stopping everything in
 * time although a client holds a dashboard request half-sent.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCapture } from '../../../../appliance/cli/up/capture-rights.js';
import { freePort } from '../../../helpers/apache.js';
import { type Ja4Up, startJa4Up } from '../../../helpers/ja4-up.js';

describe('ja4 up', () => {
  let dir: string;
  let up: Ja4Up;
  let dashboardPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-up-'));
    chmodSync(dir, 0o755);
    dashboardPort = await freePort();
    up = startJa4Up({
      cwd: dir,
      args: ['--no-seed'],
      env: {
        JA4_CLICKHOUSE_URL: `embedded:${dir}/var/clickhouse`,
        JA4_DASHBOARD_PORT: String(dashboardPort),
        JA4_DETECTOR_PORT: String(await freePort()),
        JA4_DETECTOR_FIRST_CYCLE_DELAY_SECONDS: '3600',
        JA4_CORRELATOR_METRICS_PORT: '0',
        JA4_SENTINEL_PORTS: String(await freePort()),
        JA4_SENTINEL_METRICS_PORT: '0',
        // The ready lines must not depend on the log level (the sentinel's once did).
        JA4_LOG_LEVEL: 'warn',
      },
    });
    await up.waitForLine(/^ja4 up: all services running/, 90_000);
  }, 120_000);

  afterAll(async () => {
    await up?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one ready line per service, with the dashboard URL, and no seed when told not to', () => {
    const out = up.lines.map((l) => l.line);
    for (const svc of ['clickhouse', 'correlator', 'detector', 'dashboard']) {
      expect(
        out.filter((l) => l.startsWith(`ready  ${svc} `)),
        out.join('\n'),
      ).toHaveLength(1);
    }
    expect(out).toContain(`ready  dashboard   http://127.0.0.1:${dashboardPort}/`);
    expect(out.some((l) => l.startsWith('ready  seed'))).toBe(false);
    const sentinel = out.find((l) => /^(ready {2}sentinel|skip {3}sentinel)/.test(l));
    if (canCapture()) expect(sentinel).toMatch(/^ready {2}sentinel {4}capturing lo ports \d+$/);
    else expect(sentinel).toMatch(/CAP_NET_RAW/);
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
});
