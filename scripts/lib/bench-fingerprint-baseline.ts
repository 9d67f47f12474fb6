/**
 * `npm run bench:fingerprint -- --baseline DIR`: this checkout's fingerprinting pipeline side by
 * side with another checkout's (e.g. a `git worktree` of the base commit), in one process over
 * the same capture. Each round times both in ABBA order, so a drift in the load other jobs put on
 * the machine hits both alike; the result is the median of the per-round rate ratios (this /
 * base). Time is this process's CPU time, not wall time: on a loaded machine the wall clock also
 * counts the time the scheduler gave to others, which varies by tens of percent from pass to pass.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFingerprintCache } from '../../appliance/sentinel/fingerprint-cache.js';
import { fingerprintBuffer } from '../../appliance/sentinel/fingerprint-file.js';
import { median } from './bench.js';

type Run = (name: string, capture: Buffer, onRecord: () => void) => unknown;
interface Side {
  run: Run;
  setCache: (on: boolean) => void;
}

export interface BaselineComparison {
  baseline: string;
  rounds: number;
  /** Per round: this checkout's ClientHellos/s over the baseline's, memo on and off. */
  pipeline_ratios: number[];
  pipeline_no_memo_ratios: number[];
  median_pipeline_ratio: number;
  median_pipeline_no_memo_ratio: number;
}

async function baselineSide(dir: string): Promise<Side> {
  const mod = (file: string) => import(pathToFileURL(path.join(dir, 'appliance/sentinel', file)).href);
  const { fingerprintBuffer: run } = await mod('fingerprint-file.ts');
  const { setFingerprintCache: setCache } = await mod('fingerprint-cache.ts');
  return { run, setCache };
}

/** CPU milliseconds (user + system) of the cheaper of two passes of `side` over the capture. */
function timeSide(side: Side, capture: Buffer): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const before = process.cpuUsage();
    side.run('bench', capture, () => {});
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** One round of one stage: ABBA, so a drift within the round hits both sides equally. */
function ratioOfRound(ours: Side, base: Side, capture: Buffer, memo: boolean): number {
  ours.setCache(memo);
  base.setCache(memo);
  const a1 = timeSide(ours, capture);
  const b1 = timeSide(base, capture);
  const b2 = timeSide(base, capture);
  const a2 = timeSide(ours, capture);
  return (b1 + b2) / (a1 + a2); // rate ratio = inverse time ratio
}

export async function compareWithBaseline(
  dir: string,
  capture: Buffer,
  rounds: number,
  log: (line: string) => void,
): Promise<BaselineComparison> {
  const ours: Side = { run: fingerprintBuffer, setCache: setFingerprintCache };
  const base = await baselineSide(path.resolve(dir));
  for (const side of [ours, base]) side.run('warm-up', capture, () => {});
  const memo: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < rounds; i++) {
    memo.push(ratioOfRound(ours, base, capture, true));
    cold.push(ratioOfRound(ours, base, capture, false));
    log(`round ${i + 1}/${rounds}: this/base pipeline ${memo[i].toFixed(3)}, no memo ${cold[i].toFixed(3)}`);
  }
  ours.setCache(true);
  base.setCache(true);
  const r3 = (x: number) => Number(x.toFixed(3));
  return {
    baseline: path.resolve(dir),
    rounds,
    pipeline_ratios: memo.map(r3),
    pipeline_no_memo_ratios: cold.map(r3),
    median_pipeline_ratio: r3(median(memo)),
    median_pipeline_no_memo_ratio: r3(median(cold)),
  };
}
