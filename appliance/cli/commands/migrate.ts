import { type Command, InvalidArgumentError } from 'commander';
import type { Logger } from 'pino';
import { type ClickHouseClient, openClickHouse } from '../../common/clickhouse.js';
import type { Config } from '../../common/config/index.js';
import { createLogger } from '../../common/logger.js';
import {
  applyRetention,
  migrateDown,
  migrateUp,
  migrationStatus,
  SchemaDriftError,
  verifySchema,
} from '../../common/migrate/index.js';
import { action, type CliContext } from '../context.js';

/** Opens ClickHouse from the effective config, runs `fn`, and always closes the connection. */
export async function withDatabase<T>(
  ctx: CliContext,
  service: string,
  fn: (client: ClickHouseClient, config: Config, log: Logger) => Promise<T>,
): Promise<T> {
  const { config } = ctx.config();
  const log = createLogger(config.log).child({ service });
  const handle = await openClickHouse(config.clickhouse);
  try {
    return await fn(handle.client, config, log);
  } finally {
    await handle.close();
  }
}

function parseSteps(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('N must be a whole number (0 or more).');
  return n;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

const DIR_OPTION = [
  '--dir <dir>',
  'migrations folder (default: the one shipped with this appliance)',
] as const;

export function registerMigrateCommands(program: Command, ctx: CliContext): void {
  const migrate = program
    .command('migrate')
    .description('apply, revert, list and check the ClickHouse schema (migrations/)');
  registerUp(migrate, ctx);
  registerDown(migrate, ctx);
  registerStatus(migrate, ctx);
  registerVerify(migrate, ctx);
}

function registerUp(migrate: Command, ctx: CliContext): void {
  migrate
    .command('up')
    .description('apply every pending migration, then the configured retention TTLs')
    .option(...DIR_OPTION)
    .action(
      action(async (opts: { dir?: string }) => {
        await withDatabase(ctx, 'migrate', async (client, config, log) => {
          const cluster = config.clickhouse.cluster;
          const { applied, current } = await migrateUp(client, { dir: opts.dir, cluster, log });
          for (const file of applied) out(`applied ${file}`);
          await applyRetention(client, config.retention, { cluster, log });
          out(`schema at version ${current}${applied.length === 0 ? ' (nothing to apply)' : ''}`);
        });
      }),
    );
}

function registerDown(migrate: Command, ctx: CliContext): void {
  migrate
    .command('down')
    .description('revert the newest N applied migrations (default 1)')
    .argument('[n]', 'how many migrations to revert', parseSteps, 1)
    .option(...DIR_OPTION)
    .action(
      action(async (steps: number, opts: { dir?: string }) => {
        await withDatabase(ctx, 'migrate', async (client, config, log) => {
          const { reverted, current } = await migrateDown(client, steps, {
            dir: opts.dir,
            cluster: config.clickhouse.cluster,
            log,
          });
          for (const file of reverted) out(`reverted ${file}`);
          out(`schema at version ${current}`);
        });
      }),
    );
}

function registerStatus(migrate: Command, ctx: CliContext): void {
  migrate
    .command('status')
    .description('list every migration: applied, pending, edited since applied, or missing')
    .option(...DIR_OPTION)
    .option('--json', 'print JSON')
    .action(
      action(async (opts: { dir?: string; json?: boolean }) => {
        await withDatabase(ctx, 'migrate', async (client, config) => {
          const status = await migrationStatus(client, { dir: opts.dir, cluster: config.clickhouse.cluster });
          if (opts.json) return out(JSON.stringify(status, null, 2));
          for (const m of status.migrations) {
            out(
              `${String(m.version).padStart(4, '0')}  ${m.state.padEnd(8)} ${(m.appliedAt ?? '').padEnd(26)} ${m.name}`,
            );
          }
          out(`schema at version ${status.current}`);
        });
      }),
    );
}

function registerVerify(migrate: Command, ctx: CliContext): void {
  migrate
    .command('verify')
    .description('compare the live schema with the applied migration files; exit 1 on any difference')
    .option(...DIR_OPTION)
    .action(
      action(async (opts: { dir?: string }) => {
        await withDatabase(ctx, 'migrate', async (client, config, log) => {
          const result = await verifySchema(client, {
            dir: opts.dir,
            cluster: config.clickhouse.cluster,
            log,
          });
          if (!result.ok) throw new SchemaDriftError(result.problems);
          out(`schema OK at version ${result.current} (${result.objects} objects match the files)`);
        });
      }),
    );
}
