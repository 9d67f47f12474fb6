import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_IMAGE } from '../helpers/docker.js';
import { podmanUnavailable } from './lib/podman.js';
import { REPO_ROOT } from './lib/pulumi-specs.js';

// The testcontainers ClickHouse test against a real Docker-compatible engine that lacks the
// image (podman's API socket, no registry): it must skip and say why, never fail or hang on a pull.

const skip = podmanUnavailable();
const SOCKET = '/run/ja4-deploy-podman.sock';

describe.skipIf(skip !== '')(
  `testcontainers against podman's API${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('skips the ClickHouse server suite, naming the absent image', async () => {
      const present = spawnSync('podman', ['image', 'exists', CLICKHOUSE_IMAGE]).status === 0;
      if (present) {
        console.warn(`${CLICKHOUSE_IMAGE} is on this engine: the suite runs rather than skips`);
        return;
      }
      rmSync(SOCKET, { force: true });
      const service = spawn('podman', ['system', 'service', '--time=0', `unix://${SOCKET}`], {
        stdio: 'ignore',
      });
      try {
        for (let i = 0; i < 50 && !existsSync(SOCKET); i++) await new Promise((r) => setTimeout(r, 200));
        expect(existsSync(SOCKET), 'podman system service socket').toBe(true);
        const r = spawnSync(
          'npx',
          ['vitest', 'run', 'test/integration/appliance/common/clickhouse.test.ts', '--reporter=verbose'],
          {
            cwd: REPO_ROOT,
            encoding: 'utf8',
            timeout: 240_000,
            env: { ...process.env, DOCKER_HOST: `unix://${SOCKET}`, TESTCONTAINERS_RYUK_DISABLED: 'true' },
          },
        );
        const out = `${r.stdout}${r.stderr}`;
        expect(r.status, out.slice(-3000)).toBe(0);
        expect(out).toContain(`skipped: image ${CLICKHOUSE_IMAGE} is not on the engine`);
        expect(out).toMatch(/\d+ skipped/);
      } finally {
        service.kill('SIGTERM');
        rmSync(SOCKET, { force: true });
      }
    });
  },
);
