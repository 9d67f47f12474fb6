import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ja4Error } from '../../appliance/common/errors.js';
import { ScriptOptionError } from './errors.js';

/** True when the module at `url` is the script node was started with (zx testing-example shape). */
export function isEntryPoint(url: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === url;
  } catch {
    return false;
  }
}

/**
 * Runs a script's main: a Ja4Error ends it with one line on stderr and its exit code (STYLE rule
 * 5); anything else is a bug and keeps its stack.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof Ja4Error) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`${name}: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}

/** Reads a numeric option, or throws naming the option and the allowed range. */
export function numberOption(
  raw: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
  integer = true,
): number {
  if (raw === undefined || raw === null) return fallback;
  // minimist leaves '' when the value is missing or looks like a flag ("--scale -1").
  if (raw === '')
    throw new ScriptOptionError(name, raw, `a value (write --${name}=VALUE for a negative one)`);
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ScriptOptionError(name, raw, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}
