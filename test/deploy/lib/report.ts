import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './pulumi-specs.js';

/**
 * Measured numbers of a deployment run (build times, sizes), merged into
 * test-output/deploy.json so the READMEs' tables can be refreshed from one file.
 */
export function report(section: string, values: Record<string, unknown>): void {
  const dir = join(REPO_ROOT, 'test-output');
  const file = join(dir, 'deploy.json');
  mkdirSync(dir, { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first section of this run
  }
  all[section] = { ...values, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`deploy ${section}: ${JSON.stringify(values)}`);
}
