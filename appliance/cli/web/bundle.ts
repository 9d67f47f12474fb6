import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPLIANCE_VERSION } from '../../common/version.js';
import { WebBuildError } from '../errors.js';

/** The dashboard's web app sources in a checkout (index.html, src/, vite.config.ts). */
export const WEB_SOURCES = fileURLToPath(new URL('../../dashboard/web/', import.meta.url));
/** Written into every bundle this module builds: what it was built from. */
export const STAMP_FILE = 'build.json';

export interface BundleStamp {
  /** sourceHash() of the sources and dependency lock it was built from. */
  hash: string;
  version: string;
  built_at: string;
}

export interface EnsureOptions {
  /** Where the bundle goes (the dashboard's web root). */
  outDir: string;
  /** The sources (default WEB_SOURCES). */
  webDir?: string;
  /** Build even when the stamp says the bundle is current. */
  force?: boolean;
}

export interface EnsureResult {
  /** `fresh`: already built from these sources; `built`: built now; `shipped`: no sources here. */
  state: 'fresh' | 'built' | 'shipped';
  outDir: string;
  ms: number;
}

/** True in a checkout: the web app's sources and its vite config are present. */
export function webSourcesPresent(webDir = WEB_SOURCES): boolean {
  return existsSync(path.join(webDir, 'vite.config.ts')) && existsSync(path.join(webDir, 'src'));
}

/**
 * The API schema the web app imports its types and constants from (appliance/dashboard/api, the
 * one source of truth shared with the server): part of the bundle's sources.
 */
export const apiSourcesOf = (webDir: string) => path.resolve(webDir, '..', 'api');

/**
 * Source files of the web app, relative to webDir's parent: everything under webDir and the API
 * schema beside it, but build outputs and dot entries.
 */
function sourceFiles(webDir: string): string[] {
  const parent = path.dirname(path.resolve(webDir));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(parent, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'dist') continue;
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk(path.basename(path.resolve(webDir)));
  if (existsSync(apiSourcesOf(webDir))) walk(path.basename(apiSourcesOf(webDir)));
  return out.sort();
}

/** The repository root of a checkout's web sources (appliance/dashboard/web → ../../..). */
const repoRoot = (webDir: string) => path.resolve(webDir, '../../..');

/**
 * What a bundle is a function of: every source file of the app and its API schema (path and
 * bytes), the appliance version
 * and the dependency lock (React, vite). A bundle whose stamp carries this hash is current.
 */
export function sourceHash(webDir = WEB_SOURCES): string {
  const h = createHash('sha256');
  const parent = path.dirname(path.resolve(webDir));
  for (const rel of sourceFiles(webDir)) {
    h.update(`${rel}\0`);
    h.update(readFileSync(path.join(parent, rel)));
    h.update('\0');
  }
  h.update(`version ${APPLIANCE_VERSION}\0`);
  const lock = path.join(repoRoot(webDir), 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  return h.digest('hex');
}

export function readStamp(outDir: string): BundleStamp | undefined {
  try {
    return JSON.parse(readFileSync(path.join(outDir, STAMP_FILE), 'utf8')) as BundleStamp;
  } catch {
    return undefined;
  }
}

function viteBin(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('vite/package.json');
    return path.join(path.dirname(pkg), 'bin', 'vite.js');
  } catch {
    return '';
  }
}

/** Runs `vite build` into `outDir` as a production build, whatever NODE_ENV the caller has. */
function runVite(webDir: string, outDir: string): Promise<void> {
  const bin = viteBin();
  if (!bin) {
    return Promise.reject(
      new WebBuildError(outDir, 'vite is not installed (a dev dependency: run npm install)'),
    );
  }
  const args = [bin, 'build', '--config', path.join(webDir, 'vite.config.ts')];
  args.push('--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot(webDir),
      // NODE_ENV=test (vitest) or development would give React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (err) => reject(new WebBuildError(outDir, err.message, err)));
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-5).join(' | ');
      reject(new WebBuildError(outDir, `vite build exited (${signal ?? code}): ${tail}`));
    });
  });
}

/**
 * Puts a finished build in place. A directory cannot be renamed over a non-empty one, so the
 * old bundle moves aside first; a request in between finds no index.html and is told to retry.
 * When another builder got there first with the same sources, its bundle is kept.
 */
function swapInto(tmp: string, outDir: string, hash: string, replaceSame: boolean): void {
  // Another build of the same sources got there first (parallel test files, two starts): keep
  // the bundle in place, which others may be serving, rather than swap in an identical one.
  if (!replaceSame && holdsBuildOf(outDir, hash)) return;
  const aside = path.join(
    path.dirname(outDir),
    `.${path.basename(outDir)}.old-${randomBytes(4).toString('hex')}`,
  );
  try {
    renameSync(outDir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    renameSync(tmp, outDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || readStamp(outDir)?.hash !== hash) throw err;
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(aside, { recursive: true, force: true });
}

/** `outDir` holds a complete bundle built from the sources with this hash. */
function holdsBuildOf(outDir: string, hash: string): boolean {
  return readStamp(outDir)?.hash === hash && existsSync(path.join(outDir, 'index.html'));
}

/**
 * Builds the web app into `outDir` (through a temporary sibling) and stamps it. `replaceSame`:
 * replace a bundle of the same sources that appeared meanwhile (a forced rebuild) instead of
 * keeping it.
 */
export async function buildBundle(
  webDir: string,
  outDir: string,
  hash = sourceHash(webDir),
  replaceSame = true,
): Promise<void> {
  mkdirSync(path.dirname(outDir), { recursive: true });
  const tmp = path.join(
    path.dirname(outDir),
    `.${path.basename(outDir)}.tmp-${randomBytes(4).toString('hex')}`,
  );
  try {
    await runVite(webDir, tmp);
    const stamp: BundleStamp = { hash, version: APPLIANCE_VERSION, built_at: new Date().toISOString() };
    writeFileSync(path.join(tmp, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    swapInto(tmp, outDir, hash, replaceSame);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The bundle the dashboard serves, current with its sources: built when absent or when its stamp
 * names other sources, left alone when current (a repeated start costs one hash of ~40 files).
 * An install without the sources serves the bundle it shipped.
 */
export async function ensureBundle(o: EnsureOptions): Promise<EnsureResult> {
  const t0 = Date.now();
  const webDir = o.webDir ?? WEB_SOURCES;
  const outDir = path.resolve(o.outDir);
  if (!webSourcesPresent(webDir)) return { state: 'shipped', outDir, ms: 0 };
  const hash = sourceHash(webDir);
  if (!o.force && holdsBuildOf(outDir, hash)) {
    return { state: 'fresh', outDir, ms: Date.now() - t0 };
  }
  await buildBundle(webDir, outDir, hash, o.force === true);
  return { state: 'built', outDir, ms: Date.now() - t0 };
}
