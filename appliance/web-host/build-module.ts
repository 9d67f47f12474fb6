import { execFile, execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ModuleBuildError } from './errors.js';

/** The module's Makefile targets: `asan` is built with -fsanitize=address, `profile` counts its cycles. */
export type ModuleFlavour = 'release' | 'asan' | 'profile';

/** `flock <lock> make -s -C <dir> [target]`: concurrent builds of one tree wait for each other. */
function makeArgs(moduleDir: string, flavour: ModuleFlavour): string[] {
  const lock = path.join(os.tmpdir(), 'ja4-mod-reqin-log-build.lock');
  return [lock, 'make', '-s', '-C', moduleDir, ...(flavour === 'release' ? [] : [flavour])];
}

const builtModule = (moduleDir: string, flavour: ModuleFlavour) =>
  path.join(moduleDir, 'build', ...(flavour === 'release' ? [] : [flavour]), 'mod_reqin_log.so');

const lastLines = (err: { stderr?: Buffer | string; message: string }) =>
  (err.stderr?.toString().trim() || err.message).split('\n').slice(-5).join(' | ');

/**
 * Builds mod_reqin_log with its Makefile (apxs compiles against the host's httpd) and returns the
 * path of the .so; make rebuilds only what changed. Concurrent builds of the same tree (parallel
 * test files) are serialised with flock(1).
 */
export function buildModule(moduleDir: string, flavour: ModuleFlavour = 'release'): string {
  try {
    execFileSync('flock', makeArgs(moduleDir, flavour), { stdio: 'pipe' });
  } catch (err) {
    throw new ModuleBuildError(moduleDir, flavour, lastLines(err as Error), err);
  }
  return builtModule(moduleDir, flavour);
}

/** buildModule without blocking the event loop (`ja4 up` serves while the compiler runs). */
export function buildModuleAsync(moduleDir: string, flavour: ModuleFlavour = 'release'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('flock', makeArgs(moduleDir, flavour), (err, _stdout, stderr) => {
      if (err)
        reject(new ModuleBuildError(moduleDir, flavour, lastLines({ stderr, message: err.message }), err));
      else resolve(builtModule(moduleDir, flavour));
    });
  });
}
