/**
 * `ja4 up` as a child process, the way an operator runs it: its stdout "ready" lines are collected
 * and waited for, its stderr (pino JSON) is kept for failure messages, and it gets a process group
 * of its own so the sentinel it spawns is stopped with it even when a test fails half-way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/ja4.js', import.meta.url));

export interface Ja4Up {
  proc: ChildProcess;
  /** stdout lines so far, with the ms since spawn each arrived. */
  lines: { at: number; line: string }[];
  /** The last stderr lines (for failure messages). */
  stderrTail(): string;
  /** Resolves with the first stdout line matching `re`; rejects on exit or after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code (or signal name) once the process ends. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  /** SIGKILL to the whole group (cleanup after a failure). */
  kill(): void;
}

export function startJa4Up(opts: { cwd: string; env: NodeJS.ProcessEnv; args?: string[] }): Ja4Up {
  const started = Date.now();
  // Only the JA4_* keys given here: the config loader refuses unknown ones (JA4_APACHE_BIN, …).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JA4_')));
  const proc = spawn(process.execPath, [BIN, 'up', ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { ...inherited, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: Ja4Up['lines'] = [];
  const stderr: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push({ at: Date.now() - started, line });
    for (const w of [...waiters]) {
      if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  // The whole log beside its data (kept with TEST_KEEP_TMP=1), the tail in memory for messages.
  const logFile = createWriteStream(path.join(opts.cwd, 'ja4-up.log'));
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    logFile.write(`${line}\n`);
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  let exit: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => {
      exit = code ?? signal ?? -1;
      resolve(exit);
    }),
  );
  const kill = () => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', kill);
  const stderrTail = () => stderr.join('\n');
  return {
    proc,
    lines,
    stderrTail,
    waitForLine(re, timeoutMs) {
      const found = lines.find((l) => re.test(l.line));
      if (found) return Promise.resolve(found.line);
      return new Promise((resolve, reject) => {
        const w = { re, resolve };
        waiters.push(w);
        const fail = (why: string) => {
          const i = waiters.indexOf(w);
          if (i < 0) return;
          waiters.splice(i, 1);
          reject(
            new Error(
              `ja4 up: ${why} waiting for ${re}\nstdout:\n${lines.map((l) => l.line).join('\n')}\nstderr:\n${stderrTail()}`,
            ),
          );
        };
        setTimeout(() => fail(`no line within ${timeoutMs} ms`), timeoutMs).unref();
        void exited.then((code) => fail(`exited (${code})`));
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 40_000) {
      if (exit !== undefined) return exit;
      proc.kill(signal);
      const timer = setTimeout(kill, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      kill(); // whatever it left behind in its group (nothing, when it stopped cleanly)
      process.off('exit', kill);
      return code;
    },
    kill,
  };
}
