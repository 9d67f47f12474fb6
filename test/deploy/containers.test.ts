import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumMissing } from '../helpers/browser.js';
import { type BaseImages, baseImages } from './lib/base-images.js';
import { login, requestsWithJa4 } from './lib/dashboard-api.js';
import { exec, podman, podmanUnavailable } from './lib/podman.js';
import { type ProgramRun, programSpecs } from './lib/pulumi-specs.js';
import { report } from './lib/report.js';
import { type DeployTimings, deploy, teardown } from './lib/stack-runner.js';
import { suiteStage } from './lib/stage.js';

// The single-box stack (stacks/Pulumi.single.yaml) run for real: base images from Debian and
// this host's Node, both images built with podman from the repository as the components pass
// it, and the containers started FROM THE SPECS THE PULUMI PROGRAM PRODUCES under setMocks
// (stack-runner.ts translates each docker.Container input, refusing any it does not know).
// Then real HTTPS requests (curl, headless Chromium) to the published port are found in the
// dashboard API with the JA4 the sentinel computed.

const NAME = 'ja4-deploytest';
const PORTS = { http: 18080, https: 18443, dashboard: 18000 };
const ADMIN_PASSWORD = `deploy-${randomBytes(9).toString('hex')}`;
const skip = podmanUnavailable() || chromiumMissing() || '';
if (skip) console.warn(`SKIP deployment containers: ${skip}`);

const NET_RAW = 1n << 13n; // capability(7): CAP_NET_RAW is bit 13
const JA4 = /^[tq]\d{2}[di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

describe.skipIf(skip !== '')(`containers from the Pulumi specs${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bases: BaseImages;
  let run: ProgramRun;
  let timings: DeployTimings;
  let stageSeconds = 0;

  beforeAll(async () => {
    bases = baseImages();
    // The Dockerfile COPYs dist/stage/ja4-platform: the suite's stage is made there.
    stageSeconds = (await suiteStage()).seconds;
    run = await programSpecs({
      stack: 'single',
      deployment: {
        name: NAME,
        base_images: { node: bases.NODE_IMAGE, httpd: bases.HTTPD_IMAGE },
        apache: { http_port: PORTS.http, https_port: PORTS.https },
        dashboard: { port: PORTS.dashboard },
      },
      secrets: { dashboardAdminPassword: ADMIN_PASSWORD },
    });
    teardown(run);
    timings = await deploy(run, (line) => console.log(`deploy: ${line}`));
  });

  afterAll(() => {
    if (run && !process.env.TEST_DEPLOY_KEEP) teardown(run);
  });

  /** One line per field of /proc/<pid>/status for the container's main process (after init). */
  function mainProcess(container: string, argv0: string): Record<string, string> {
    const script = `for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline | grep -q '^${argv0}' && { cat $d/status; exit 0; }; done; exit 1`;
    const status = exec(container, ['sh', '-c', script]);
    return Object.fromEntries(
      status
        .split('\n')
        .map((l) => l.split(':\t'))
        .filter((p) => p.length === 2)
        .map(([k, v]) => [k, v.trim()]),
    );
  }

  it('built both images from the repository with the base images as FROM', () => {
    for (const image of [`ja4-appliance:`, `ja4-httpd:`]) {
      const name = Object.keys(timings.builds).find((n) => n.startsWith(image));
      expect(name, image).toBeDefined();
      const size = Number(podman(['image', 'inspect', '--format', '{{.Size}}', name as string]).stdout);
      expect(size).toBeGreaterThan(0);
    }
  });

  it('runs ja4 up as 10001:10001 with no capability and no privilege gain', () => {
    const p = mainProcess(`${NAME}-appliance-service`, 'node');
    expect(p.Uid.split('\t')[0]).toBe('10001');
    expect(p.Gid.split('\t')[0]).toBe('10001');
    expect(BigInt(`0x${p.CapEff}`)).toBe(0n);
    expect(BigInt(`0x${p.CapBnd}`)).toBe(0n);
    expect(p.NoNewPrivs).toBe('1');
    expect(p.Seccomp).toBe('2');
  });

  it('runs the sentinel in httpd’s network namespace as 0:10001 with NET_RAW only', () => {
    const p = mainProcess(`${NAME}-apache-sentinel`, 'node');
    expect(p.Uid.split('\t')[0]).toBe('0');
    expect(p.Gid.split('\t')[0]).toBe('10001');
    expect(BigInt(`0x${p.CapEff}`)).toBe(NET_RAW);
    expect(BigInt(`0x${p.CapBnd}`)).toBe(NET_RAW);
    expect(p.NoNewPrivs).toBe('1');
    const netns = (c: string) => exec(c, ['readlink', '/proc/1/ns/net']).trim();
    expect(netns(`${NAME}-apache-sentinel`)).toBe(netns(`${NAME}-apache-httpd`));
    // The image's cap is the patched build: capture timestamps and counters come from libpcap.
    const logs = podman(['logs', `${NAME}-apache-sentinel`]);
    expect(`${logs.stdout}${logs.stderr}`).toContain('"timestamps":"libpcap"');
  });

  it('serves the dashboard bundle from the image', async () => {
    const res = await fetch(`http://127.0.0.1:${PORTS.dashboard}/`);
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).toMatch(/<script[^>]+src="\/assets\/[^"]+\.js"/);
    expect(body).not.toContain('not built');
  });

  it('runs httpd as www-data in group 10001 with no capability', () => {
    const p = mainProcess(`${NAME}-apache-httpd`, '/usr/sbin/apache2');
    expect(p.Uid.split('\t')[0]).toBe('33');
    expect(p.Groups.split(' ')).toContain('10001');
    expect(BigInt(`0x${p.CapEff}`)).toBe(0n);
    expect(BigInt(`0x${p.CapBnd}`)).toBe(0n);
  });

  it('carries curl’s and Chromium’s HTTPS requests into the dashboard with the sentinel’s JA4', async () => {
    const base = `https://127.0.0.1:${PORTS.https}`;
    const curlPaths = ['/deploy-curl-1', '/deploy-curl-2', '/deploy-curl-3'];
    for (const path of curlPaths) {
      const r = spawnSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `${base}${path}`], {
        encoding: 'utf8',
      });
      expect(r.stdout).toBe('404');
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      const res = await page.goto(`${base}/deploy-chromium`);
      expect(res?.status()).toBe(404);
    } finally {
      await browser.close();
    }
    // A published port reaches httpd through its network's gateway (DNAT): that is the client.
    const gateway = podman([
      'inspect',
      '--format',
      '{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}',
      `${NAME}-apache-httpd`,
    ]).stdout.trim();
    const session = await login(`http://127.0.0.1:${PORTS.dashboard}`, 'admin', ADMIN_PASSWORD);
    const found = await requestsWithJa4(session, gateway, [...curlPaths, '/deploy-chromium'], 90_000);
    expect([...found.keys()].sort()).toEqual([...curlPaths, '/deploy-chromium'].sort());
    for (const row of found.values()) expect(row.ja4).toMatch(JA4);
    const curlJa4 = new Set(curlPaths.map((p) => found.get(p)?.ja4));
    expect(curlJa4.size).toBe(1);
    expect(found.get('/deploy-chromium')?.ja4).not.toBe([...curlJa4][0]);
    report('containers', {
      stage_s: stageSeconds,
      base_images_s: bases.seconds,
      builds_s: timings.builds,
      healthy_s: timings.healthy,
      image_mb: Object.fromEntries(
        Object.keys(timings.builds).map((n) => [
          n,
          Math.round(Number(podman(['image', 'inspect', '--format', '{{.Size}}', n]).stdout) / 1e6),
        ]),
      ),
      ja4: Object.fromEntries([...found].map(([p, r]) => [p, r.ja4])),
    });
  });
});
