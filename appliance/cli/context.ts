import type { Command } from 'commander';
import { type LoadedConfig, loadConfig } from '../common/config/index.js';
import { Ja4Error } from '../common/errors.js';

/** What every subcommand gets: the effective config (global --config honoured) and the error exit. */
export interface CliContext {
  /** Loads the config; `overrides` are dotted keys from the command's own flags. */
  config(overrides?: Record<string, unknown>): LoadedConfig;
}

export function createContext(program: Command): CliContext {
  return {
    config(overrides) {
      const { config: file } = program.opts<{ config?: string }>();
      return loadConfig({ file, overrides });
    },
  };
}

/**
 * Wraps a command action: a Ja4Error ends the command with one clear line on stderr and its
 * exit code (STYLE rule 5); anything else is a bug and keeps its stack.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof Ja4Error) {
        process.stderr.write(`ja4: ${err.message}\n`);
        process.exitCode = err.exitCode;
        return;
      }
      throw err;
    }
  };
}
