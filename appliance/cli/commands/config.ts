import type { Command } from 'commander';
import { renderConfig } from '../../common/config/index.js';
import { action, type CliContext } from '../context.js';

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('inspect the effective configuration');
  config
    .command('print')
    .description('print the effective config (defaults < YAML file < JA4_* environment), secrets masked')
    .action(
      action(() => {
        const loaded = ctx.config();
        process.stdout.write(`# source: defaults${loaded.file ? ` < ${loaded.file}` : ''} < environment\n`);
        process.stdout.write(renderConfig(loaded.config));
      }),
    );
  config
    .command('check')
    .description('validate the config and exit 0, or print the first error and exit 2')
    .action(
      action(() => {
        const loaded = ctx.config();
        process.stdout.write(`config OK${loaded.file ? ` (${loaded.file})` : ''}\n`);
      }),
    );
}
