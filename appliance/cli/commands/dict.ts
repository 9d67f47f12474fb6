import type { Command } from 'commander';
import { loadDictionaries } from '../../common/migrate/index.js';
import { action, type CliContext } from '../context.js';
import { withDatabase } from './migrate.js';

export function registerDictCommands(program: Command, ctx: CliContext): void {
  const dict = program
    .command('dict')
    .description('reference data: IP->ASN, ASN reputation, known bot IPs and JA4s');
  dict
    .command('load')
    .description('validate the CSV files, load them into the source tables and reload the dictionaries')
    .option(
      '--dir <dir>',
      'folder of ip_asn.csv, asn_reputation.csv, bot_ip.csv, bot_ja4.csv (default: migrations/dictionaries)',
    )
    .action(
      action(async (opts: { dir?: string }) => {
        await withDatabase(ctx, 'dict', async (client, config, log) => {
          const { rows } = await loadDictionaries(client, {
            dir: opts.dir,
            cluster: config.clickhouse.cluster,
            log,
          });
          for (const [name, n] of Object.entries(rows)) process.stdout.write(`${name}: ${n} rows\n`);
        });
      }),
    );
}
