import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { nodeHttpHealthcheck, secretEnvs } from '../../../components/container-spec.js';

const run = promisify(execFile);

describe('container helpers', () => {
  it('marks every secret env var secret', async () => {
    const envs = secretEnvs({ clickhousePassword: 'pw', adminPassword: pulumi.output('adm') });
    expect(envs).toHaveLength(2);
    for (const e of envs) expect(await pulumi.isSecret(e)).toBe(true);
  });

  it('health check command passes on 2xx/3xx/4xx and fails on 5xx or no listener', async () => {
    let status = 200;
    const server = createServer((_req, res) => {
      res.writeHead(status);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const probe = async (url: string) => {
      const [, , flag, script] = nodeHttpHealthcheck(url).tests as string[];
      try {
        await run(process.execPath, [flag, script], { timeout: 10_000 });
        return 0;
      } catch (err) {
        return (err as { code?: number }).code ?? -1;
      }
    };
    try {
      expect(await probe(`http://127.0.0.1:${port}/api/health`)).toBe(0);
      status = 503;
      expect(await probe(`http://127.0.0.1:${port}/api/health`)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await probe(`http://127.0.0.1:${port}/api/health`)).toBe(1);
  });
});
