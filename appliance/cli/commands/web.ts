import path from 'node:path';
import type { Command } from 'commander';
import { WEB_DIST } from '../../dashboard/index.js';
import { action, type CliContext } from '../context.js';
import { ensureBundle } from '../web/bundle.js';

interface WebBuildFlags {
  out?: string;
  force?: boolean;
}

export function registerWebCommands(program: Command, ctx: CliContext): void {
  const web = program.command('web').description("the dashboard's web app (React, built with vite)");
  web
    .command('build')
    .description(
      'build the web app when it is absent or its sources changed (npm install and `ja4 up` do this too)',
    )
    .option(
      '--out <dir>',
      'where to build it (default: dashboard.web_root, else the bundle the server serves)',
    )
    .option('--force', 'build even when the bundle is current')
    .action(
      action(async (flags: WebBuildFlags) => {
        const { config } = ctx.config();
        const outDir = flags.out ?? (config.dashboard.web_root || WEB_DIST);
        const r = await ensureBundle({ outDir, force: flags.force });
        const rel = path.relative(process.cwd(), r.outDir);
        const where = rel === '' ? '.' : rel.startsWith('..') ? r.outDir : rel;
        const said = {
          fresh: `web app: ${where} is current`,
          built: `web app: built into ${where} in ${(r.ms / 1000).toFixed(1)} s`,
          shipped: `web app: no sources here; serving the bundle this install shipped (${where})`,
        };
        process.stdout.write(`${said[r.state]}\n`);
      }),
    );
}
