import type { Command } from 'commander';
import { createLogger, createShutdown, Ja4Error, openClickHouse } from '../../common/index.js';
import { firstAdminMessage, hashPassword, remoteProbes, startDashboard } from '../../dashboard/index.js';
import { action, type CliContext } from '../context.js';

export function registerDashboardCommands(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('dashboard')
    .description('run the SOC dashboard (API + web app) alone against ClickHouse')
    .option('--port <port>', 'listen port (dashboard.port)', Number)
    .option('--host <host>', 'listen address (dashboard.host)')
    .action(
      action(async (opts: { port?: number; host?: string }) => {
        const { config } = ctx.config({ 'dashboard.port': opts.port, 'dashboard.host': opts.host });
        const log = createLogger(config.log);
        const shutdown = createShutdown(log);
        const ch = await openClickHouse(config.clickhouse);
        shutdown.register('clickhouse', () => ch.close());
        const dash = await startDashboard({
          config,
          clickhouse: ch.client,
          log,
          probes: remoteProbes(config),
        });
        shutdown.register('dashboard', () => dash.close());
        shutdown.installSignalHandlers();
        const msg = firstAdminMessage(dash.firstAdmin);
        if (msg) process.stdout.write(`${msg}\n`);
        process.stdout.write(`dashboard ready: ${dash.url}\n`);
      }),
    );
  cmd
    .command('hash-password')
    .description('read a password on stdin and print its scrypt hash for dashboard.users[].password_hash')
    .action(
      action(async () => {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        const password = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\r?\n$/, '');
        if (password.length < 8)
          throw new Ja4Error(
            'JA4_ERR_DASH_PASSWORD',
            'a password of at least 8 characters is required on stdin',
          );
        process.stdout.write(`${await hashPassword(password)}\n`);
      }),
    );
}
