/**
 * Running httpd under AddressSanitizer: the module is built with -fsanitize=address and httpd
 * (not instrumented) gets the ASan runtime by LD_PRELOAD, so it comes first in the library list.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface AsanRun {
  /** LD_PRELOAD of the ASan runtime (httpd itself is not instrumented) and ASAN_OPTIONS. */
  env: NodeJS.ProcessEnv;
  /** Server-scope config: CoreDumpDirectory keeps children dumpable so LeakSanitizer can run. */
  conf: string;
  logDir: string;
  /**
   * Findings so far that concern the module: every AddressSanitizer error, and the leaks whose
   * stack passes through mod_reqin_log (OpenSSL and APR leave blocks at exit that are not ours).
   */
  reports(): string[];
}

/** Prepares an AddressSanitizer run of httpd, or returns why the toolchain cannot do one. */
export function asanRun(): AsanRun | string {
  let lib = '';
  try {
    lib = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  } catch {
    return 'gcc not found';
  }
  if (!path.isAbsolute(lib) || !existsSync(lib)) return 'libasan.so not found (gcc -print-file-name)';
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'ja4-asan-'));
  chmodSync(logDir, 0o777);
  return {
    env: {
      LD_PRELOAD: realpathSync(lib),
      ASAN_OPTIONS: `log_path=${logDir}/asan:detect_leaks=1:detect_stack_use_after_return=1`,
    },
    conf: `CoreDumpDirectory ${logDir}`,
    logDir,
    reports: () =>
      readdirSync(logDir)
        .filter((f) => f.startsWith('asan'))
        .flatMap((f) => {
          const text = readFileSync(path.join(logDir, f), 'utf8');
          if (text.includes('ERROR: AddressSanitizer')) return [text];
          return text.split(/\n(?=(?:Direct|Indirect) leak)/).filter((b) => /mod_reqin_log|reqin_/.test(b));
        }),
  };
}

/** True when the process has the ASan runtime mapped (proof the sanitizer is really active). */
export function hasAsanRuntime(pid: number): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('libasan');
}
