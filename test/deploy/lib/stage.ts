import { join } from 'node:path';
import { DEFAULT_STAGE, stageApp } from '../../../scripts/stage-app.js';
import { REPO_ROOT } from './pulumi-specs.js';

/** The suite's stage (global-setup.ts), or a fresh one when a file runs without it. */
export async function suiteStage(): Promise<{ dir: string; seconds: number }> {
  if (process.env.JA4_DEPLOY_STAGE) {
    return { dir: process.env.JA4_DEPLOY_STAGE, seconds: Number(process.env.JA4_DEPLOY_STAGE_SECONDS ?? 0) };
  }
  const staged = await stageApp({ root: REPO_ROOT, dest: join(REPO_ROOT, DEFAULT_STAGE), log: () => {} });
  return { dir: staged.dest, seconds: staged.seconds };
}
