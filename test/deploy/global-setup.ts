import { join } from 'node:path';
import { DEFAULT_STAGE, stageApp } from '../../scripts/stage-app.js';
import { REPO_ROOT } from './lib/pulumi-specs.js';

/**
 * Stages the appliance once for the whole suite (the image and the RPMs package the same stage)
 * and hands its path and staging time to the test files through the environment.
 */
export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const staged = await stageApp({ root: REPO_ROOT, dest: join(REPO_ROOT, DEFAULT_STAGE), log: () => {} });
  process.env.JA4_DEPLOY_STAGE = staged.dest;
  process.env.JA4_DEPLOY_STAGE_SECONDS = staged.seconds.toFixed(1);
}
