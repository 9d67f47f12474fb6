import { Command } from 'commander';
import { APPLIANCE_VERSION } from '../common/version.js';
import { registerConfigCommands } from './commands/config.js';
import { registerCorrelatorCommands } from './commands/correlator.js';
import { registerDashboardCommands } from './commands/dashboard.js';
import { registerDetectorCommands } from './commands/detector.js';
import { registerDictCommands } from './commands/dict.js';
import { registerFingerprintCommands } from './commands/fingerprint.js';
import { registerMigrateCommands } from './commands/migrate.js';
import { registerSentinelCommands } from './commands/sentinel.js';
import { registerUpCommands } from './commands/up.js';
import { registerWebCommands } from './commands/web.js';
import { createContext } from './context.js';

/** Builds the `ja4` command. Each service adds its subcommands here as it is built. */
export function buildProgram(): Command {
  const program = new Command('ja4')
    .description('ja4-platform: TLS client fingerprinting joined to HTTP logs, scored for bots')
    .version(APPLIANCE_VERSION, '-V, --version', 'print the appliance version')
    .option(
      '-c, --config <file>',
      'YAML config file (default: /etc/ja4/ja4.yaml when present, or $JA4_CONFIG)',
    )
    .showHelpAfterError()
    .enablePositionalOptions();
  const ctx = createContext(program);
  registerConfigCommands(program, ctx);
  registerFingerprintCommands(program, ctx);
  registerSentinelCommands(program, ctx);
  registerCorrelatorCommands(program, ctx);
  registerDashboardCommands(program, ctx);
  registerMigrateCommands(program, ctx);
  registerDictCommands(program, ctx);
  registerDetectorCommands(program, ctx);
  registerUpCommands(program, ctx);
  registerWebCommands(program, ctx);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync(argv);
}
