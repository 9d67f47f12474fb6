import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ModuleBuildError } from './errors.js';

/** The module's Makefile targets: `asan` is built with -fsanitize=address, `profile` counts its cycles. */
export type ModuleFlavour = 'release' | 'asan' | 'profile';

/**
 * Builds mod_reqin_log with its Makefile (apxs compiles against the host's httpd) and returns the
 * path of the .so. Concurrent builds of the same tree (parallel test files) are serialised with
 * flock(1).
 */
export function buildModule(moduleDir: string, flavour: ModuleFlavour = 'release'): string {
  const lock = path.join(os.tmpdir(), 'ja4-mod-reqin-log-build.lock');
  const target = flavour === 'release' ? [] : [flavour];
  try {
    execFileSync('flock', [lock, 'make', '-s', '-C', moduleDir, ...target], { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    const output = (e.stderr?.toString('utf8').trim() || e.message).split('\n').slice(-5).join(' | ');
    throw new ModuleBuildError(moduleDir, flavour, output, err);
  }
  return path.join(moduleDir, 'build', ...target, 'mod_reqin_log.so');
}
