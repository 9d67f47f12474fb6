/**
 * The first-run web host as `ja4 up` starts it, with the host's real Apache: HTTPS on its port
 * with a certificate for localhost and 127.0.0.1, kept across restarts; mod_remoteip believes
 * X-Forwarded-For from loopback; every request reaches the correlator's socket, the status
 * port's do not; and a web host a killed run left behind is stopped by the next.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplianceHost,
  accepts,
  reclaimStaleHttpd,
  runAsIdentity,
  startApplianceHost,
} from '../../../../appliance/web-host/index.js';
import { MODULE_DIR } from '../../../../scripts/lib/apache-host.js';
import { apacheMissing, createLineSink, freePort, type LineSink } from '../../../helpers/apache.js';

const run = promisify(execFile);
const missing = apacheMissing();
if (missing) console.warn(`skipping the web host tests: ${missing}`);

describe.skipIf(Boolean(missing))(`the first-run web host${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let dir: string;
  let sink: LineSink;
  let host: ApplianceHost;
  let port: number;
  const start = () =>
    startApplianceHost({
      dir: path.join(dir, 'web-host'),
      port,
      statusPort: 0,
      httpSocket: sink.path,
      moduleDir: MODULE_DIR,
      runAs: runAsIdentity(''),
      indexHtml: '<p>first-run page</p>\n',
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-webhost-'));
    chmodSync(dir, 0o755);
    sink = await createLineSink(path.join(dir, 'http.socket'));
    port = await freePort();
    host = await start();
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its page over HTTPS with a certificate valid for 127.0.0.1 and localhost', async () => {
    expect(host.url).toBe(`https://127.0.0.1:${port}/`);
    const cert = path.join(dir, 'web-host', 'tls', 'cert.pem');
    const { stdout } = await run('curl', ['-sS', '--cacert', cert, host.url]);
    expect(stdout).toBe('<p>first-run page</p>\n');
    const local = await run('curl', ['-sS', '--cacert', cert, `https://localhost:${port}/`]);
    expect(local.stdout).toBe('<p>first-run page</p>\n');
  });

  it("sends each request to the correlator's socket, the client address from loopback's X-Forwarded-For", async () => {
    await run('curl', ['-sSk', '-H', 'X-Forwarded-For: 203.0.113.7', '-A', 'first-run-test', host.url]);
    const line = await sink.waitFor((l) => l.includes('first-run-test'));
    expect(JSON.parse(line)).toMatchObject({
      client_ip: '203.0.113.7',
      conn_ip: '127.0.0.1',
      local_port: port,
      path: '/',
      status: 200,
    });
  });

  it('serves the module counters on its status port without logging those requests', async () => {
    const before = sink.lines.length;
    const { stdout } = await run('curl', ['-sS', `http://127.0.0.1:${host.statusPort}/reqin-status`]);
    expect(stdout).toMatch(/^EventsSent: \d+$/m);
    expect(stdout).toMatch(/^EventsDropped: 0$/m);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.lines.length).toBe(before);
  });

  it('keeps its certificate across restarts', async () => {
    const cert = path.join(dir, 'web-host', 'tls', 'cert.pem');
    const first = readFileSync(cert, 'utf8');
    await host.stop();
    host = await start();
    expect(readFileSync(cert, 'utf8')).toBe(first);
  }, 60_000);

  it('stops a web host left serving from its directory, and only that', async () => {
    expect(await reclaimStaleHttpd(path.join(dir, 'elsewhere'))).toBeNull();
    const pid = await reclaimStaleHttpd(path.join(dir, 'web-host'));
    expect(pid).toBe(host.server.pid);
    expect(await accepts(port)).toBe(false);
  }, 30_000);
});
