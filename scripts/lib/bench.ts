/**
 * What every `npm run bench:*` script shares: the statistics its results are made of, its timer,
 * and where and how it writes its one result file (bench/results/<name>.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (benchmarks write under it and read fixtures from it). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The median of a non-empty sample: the middle value, or the mean of the two middle values when
 * the count is even (the usual definition; it does not lean towards the higher half).
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** `n` things in `ms` milliseconds as a whole number per second. */
export function rate(n: number, ms: number): number {
  return Math.round((n * 1000) / ms);
}

/** Runs `fn` `runs` times and keeps the fastest run (the one least disturbed by other load). */
export function bestOf<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let bestMs = Number.POSITIVE_INFINITY;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    value = fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms < bestMs) bestMs = ms;
  }
  return { ms: bestMs, value };
}

/** "<cores> x <model>" of this machine. */
export function cpuLabel(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`;
}

/** The 1-minute load average, one decimal: how busy the shared machine was. */
export function load1m(): number {
  return Number(loadavg()[0].toFixed(1));
}

/** Writes bench/results/<name>.json (pretty, one trailing newline) and returns its path. */
export function writeResult(name: string, result: unknown, root = REPO_ROOT): string {
  const file = path.join(root, 'bench/results', `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
