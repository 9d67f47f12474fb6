/**
 * `npm run stage`: the appliance as it ships, in one directory, the single input of every
 * artifact (the container image COPYs it, the RPMs are cut from it):
 *
 *   <dest>/package.json, bin/ja4.js, migrations/
 *   <dest>/dist/                         compiled JavaScript (tsc -p tsconfig.build.json)
 *   <dest>/dist/appliance/dashboard/web/dist/   the dashboard bundle (vite), where the server looks
 *   <dest>/node_modules/                 production dependencies by `npm ci --omit=dev` from the
 *                                        lock, `cap` patched (patches/) and built for this host
 *   <dest>/.stage.json                   what was staged: version, node, time
 *
 * Every step runs on this host, so no image build needs the npm registry. A stage without the
 * dashboard bundle or with an unpatched `cap` is refused, never shipped.
 *
 *   npm run stage [-- --out DIR]   (default dist/stage/ja4-platform)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { $, fs } from 'zx';
import { npmErrors } from './lib/rpm-layout.js';

export const DEFAULT_STAGE = 'dist/stage/ja4-platform';
/** Where the compiled dashboard server looks for the bundle (dashboard/server/plugins/static.ts). */
export const WEB_BUNDLE = 'dist/appliance/dashboard/web/dist';

export interface StageOptions {
  /** Repository root. */
  root: string;
  /** The directory to (re)create. */
  dest: string;
  log: (line: string) => void;
}

export interface StageResult {
  dest: string;
  version: string;
  seconds: number;
}

export class StageError extends Error {
  readonly code = 'JA4_ERR_STAGE';
}

function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new StageError(message);
}

const tail = (text: string, n = 15) => text.trim().split('\n').slice(-n).join('\n');

/** tsc and vite into `dest`: a fresh directory, so deleted sources leave nothing behind. */
async function compile(opts: StageOptions): Promise<void> {
  const sh = $({ cwd: opts.root, quiet: true, nothrow: true });
  opts.log('compiling TypeScript (tsc -p tsconfig.build.json)');
  const tsc = await sh`npx tsc -p tsconfig.build.json --outDir ${join(opts.dest, 'dist')}`;
  check(tsc.exitCode === 0, `tsc failed:\n${tail(tsc.stdout + tsc.stderr)}`);
  check(existsSync(join(opts.dest, 'dist/appliance/cli/main.js')), 'tsc wrote no dist/appliance/cli/main.js');
  opts.log('building the dashboard bundle (ja4 web build: a production build stamped with the version)');
  const web = join(opts.dest, WEB_BUNDLE);
  const vite = await sh`node bin/ja4.js web build --force --out ${web}`;
  check(vite.exitCode === 0, `the dashboard bundle did not build:\n${tail(vite.stdout + vite.stderr)}`);
  check(existsSync(join(web, 'index.html')), `the dashboard bundle has no ${WEB_BUNDLE}/index.html`);
}

/**
 * Production node_modules from the lock, in a scratch directory holding only what npm ci reads
 * (package.json, the lock, the cap patch and its postinstall), then moved into `dest`.
 */
async function installModules(opts: StageOptions): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'ja4-stage-npm-'));
  try {
    for (const f of ['package.json', 'package-lock.json', 'patches', 'scripts/patch-cap.mjs']) {
      await fs.copy(join(opts.root, f), join(scratch, f));
    }
    opts.log('installing production dependencies (npm ci --omit=dev, cap patched and built)');
    const ci = await $({
      cwd: scratch,
      quiet: true,
      nothrow: true,
    })`npm ci --omit=dev --prefer-offline --no-audit --no-fund`;
    check(ci.exitCode === 0, `npm ci --omit=dev failed (exit ${ci.exitCode}): ${npmErrors(ci.stderr)}`);
    // npm's .bin links point at tools and its hidden lockfile is a cache: neither is runtime.
    await fs.remove(join(scratch, 'node_modules/.bin'));
    await fs.remove(join(scratch, 'node_modules/.package-lock.json'));
    await fs.move(join(scratch, 'node_modules'), join(opts.dest, 'node_modules'));
  } finally {
    await fs.remove(scratch);
  }
  if (existsSync(join(opts.dest, 'node_modules/cap'))) {
    const probe = await $({
      cwd: opts.dest,
      quiet: true,
      nothrow: true,
    })`node -e ${"process.exit(typeof require('cap').Cap.prototype.stats === 'function' ? 0 : 1)"}`;
    check(probe.exitCode === 0, 'node_modules/cap is not the patched build (no Cap#stats): see patches/');
  }
}

/** Stages the appliance into opts.dest (removed first). */
export async function stageApp(opts: StageOptions): Promise<StageResult> {
  const started = Date.now();
  const pkg = JSON.parse(readFileSync(join(opts.root, 'package.json'), 'utf8')) as { version: string };
  await fs.remove(opts.dest);
  mkdirSync(opts.dest, { recursive: true });
  await compile(opts);
  for (const f of ['package.json', 'bin/ja4.js', 'migrations']) {
    await fs.copy(join(opts.root, f), join(opts.dest, f));
  }
  await installModules(opts);
  const seconds = (Date.now() - started) / 1000;
  const manifest = { version: pkg.version, node: process.versions.node, stagedAt: new Date().toISOString() };
  writeFileSync(join(opts.dest, '.stage.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dest: opts.dest, version: pkg.version, seconds };
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
  const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' } } });
  const log = (line: string) => process.stdout.write(`stage: ${line}\n`);
  const result = await stageApp({ root, dest: resolve(values.out ?? join(root, DEFAULT_STAGE)), log });
  log(`staged ${result.version} in ${result.dest} (${result.seconds.toFixed(1)} s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`stage: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
