import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './pulumi-specs.js';

export interface BaseImages {
  DEBIAN_IMAGE: string;
  NODE_IMAGE: string;
  HTTPD_IMAGE: string;
  BASE_KEY: string;
  seconds: number;
}

/** docker/base/make-base-images.sh: made once per change of its inputs, cached in podman. */
export function baseImages(): BaseImages {
  const started = Date.now();
  const r = spawnSync('bash', [join(REPO_ROOT, 'docker/base/make-base-images.sh')], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`make-base-images.sh failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  const vars = Object.fromEntries(
    r.stdout
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  return { ...(vars as Omit<BaseImages, 'seconds'>), seconds: (Date.now() - started) / 1000 };
}
