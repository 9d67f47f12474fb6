import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './bench.js';

/**
 * `ja4 up --no-seed --no-web-host` as a child process for the real-client benchmark (it brings its
 * own Apache): the appliance exactly as
 * an operator starts it (embedded ClickHouse, correlator, detector with its default config,
 * dashboard, and the sentinel it spawns on loopback), with no demo data.
 */
export interface Appliance {
  proc: ChildProcess;
  waitFor(re: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

export function startAppliance(cwd: string, env: NodeJS.ProcessEnv): Appliance {
  // Only the JA4_* keys given here: the config loader refuses unknown ones.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JA4_')));
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'bin/ja4.js'), 'up', '--no-seed', '--no-web-host'], {
    cwd,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const log = createWriteStream(join(cwd, 'ja4-up.log'));
  createInterface({ input: proc.stderr! }).on('line', (line) => log.write(`${line}\n`));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    waitFor(re, timeoutMs) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`ja4 up: no line matching ${re} in ${timeoutMs} ms:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then(() => reject(new Error(`ja4 up exited (${proc.exitCode}):\n${lines.join('\n')}`)));
      });
    },
    async stop() {
      if (proc.exitCode !== null) return;
      process.kill(-proc.pid!, 'SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
