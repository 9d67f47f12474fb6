import type { Command } from 'commander';
import { createLogger, createShutdown, openClickHouse } from '../../common/index.js';
import { startCorrelator } from '../../correlator/service.js';
import { action, type CliContext } from '../context.js';

interface CorrelatorFlags {
  sink?: string;
  httpSocket?: string;
  networkSocket?: string;
  metricsPort?: string;
  spoolDir?: string;
}

/**
 * `ja4 correlator`: the join on its own, against a ClickHouse server (clickhouse.url = http…), or a
 * file/stdout sink. In embedded mode it holds the data directory itself; `ja4 up` hosts it then.
 */
export function registerCorrelatorCommands(program: Command, ctx: CliContext): void {
  program
    .command('correlator')
    .description('join HTTP requests (http.socket) to their TLS handshakes (network.socket) and store them')
    .option('--sink <sink>', 'clickhouse | file | stdout (correlator.sink)')
    .option('--http-socket <path>', 'socket for mod_reqin_log (sockets.http)')
    .option('--network-socket <path>', 'socket for the sentinel (sockets.network)')
    .option('--metrics-port <port>', 'Prometheus /metrics on 127.0.0.1, 0 = off (correlator.metrics_port)')
    .option(
      '--spool-dir <dir>',
      "the correlator's log: accepted lines and unconfirmed batches (correlator.spool_dir)",
    )
    .action(
      action(async (flags: CorrelatorFlags) => {
        const { config } = ctx.config({
          'correlator.sink': flags.sink,
          'sockets.http': flags.httpSocket,
          'sockets.network': flags.networkSocket,
          'correlator.metrics_port': flags.metricsPort === undefined ? undefined : Number(flags.metricsPort),
          'correlator.spool_dir': flags.spoolDir,
        });
        const log = createLogger(config.log);
        const shutdown = createShutdown(log);
        const clickhouse =
          config.correlator.sink === 'clickhouse' ? await openClickHouse(config.clickhouse) : undefined;
        if (clickhouse) shutdown.register('clickhouse', () => clickhouse.close());
        try {
          const handle = await startCorrelator({ config, log, clickhouse });
          shutdown.register('correlator', () => handle.close());
        } catch (err) {
          await shutdown.run('start failed');
          throw err;
        }
        shutdown.installSignalHandlers();
      }),
    );
}
