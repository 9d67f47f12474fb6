import type { Command } from 'commander';
import { loadDictionaries } from '../../common/migrate/index.js';
import { action, type CliContext } from '../context.js';
import { withDatabase } from './migrate.js';

interface DictOptions {
  dir?: string;
  from?: string;
  internet?: boolean;
}

/**
 * `ja4 dict load` loads the shipped reference lists (migrations/dictionaries) and the whole
 * internet's IP → ASN table from the installed @ip-location-db/asn; `ja4 dict update --from DIR`
 * loads the newer files a folder holds (any of the CSVs, or ip-location-db range files
 * asn-ipv4.csv / asn-ipv6.csv), leaving the other lists as they are.
 */
export function registerDictCommands(program: Command, ctx: CliContext): void {
  const dict = program
    .command('dict')
    .description('reference data: IP->ASN, ASN kinds, known bot IPs and JA4s, TLS client families');
  const run = (dir: string | undefined, internet: boolean) =>
    withDatabase(ctx, 'dict', async (client, config, log) => {
      const { lists } = await loadDictionaries(client, {
        dir,
        internet,
        cluster: config.clickhouse.cluster,
        log,
      });
      for (const l of lists) {
        process.stdout.write(`${l.list}: ${l.rows} rows, ${l.source} ${l.version} (${l.source_date})\n`);
      }
    });
  dict
    .command('load')
    .description('validate the reference files, load them into the source tables and reload the dictionaries')
    .option('--dir <dir>', 'folder of the reference CSVs (default: migrations/dictionaries)')
    .option('--no-internet', 'skip the whole-internet IP->ASN table (load ip_asn.csv instead)')
    .action(action(async (opts: DictOptions) => run(opts.dir, opts.internet !== false)));
  dict
    .command('update')
    .description('load newer reference files from a folder (CSVs and/or asn-ipv4.csv, asn-ipv6.csv)')
    .requiredOption('--from <dir>', 'folder holding the newer files')
    .action(action(async (opts: DictOptions) => run(opts.from, false)));
}
