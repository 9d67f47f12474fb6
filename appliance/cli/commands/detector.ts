import type { Command } from 'commander';
import { createLogger, createShutdown, openClickHouse } from '../../common/index.js';
import { startDetector } from '../../detector/index.js';
import { action, type CliContext } from '../context.js';

interface DetectorFlags {
  once?: boolean;
  port?: string;
}

/**
 * `ja4 detector`: the scoring service on its own against a ClickHouse server (or an embedded
 * directory no other process holds); `ja4 up` hosts it otherwise. `--once` runs one cycle, prints
 * its outcome as JSON and exits: 0 when it scored or had nothing to do, 1 when it failed.
 */
export function registerDetectorCommands(program: Command, ctx: CliContext): void {
  program
    .command('detector')
    .description(
      'score traffic with an Isolation Forest trained on the human baseline (API on detector.port)',
    )
    .option('--once', 'run one cycle (and partition rotation), print the result as JSON, exit')
    .option('--port <port>', 'API port (detector.port)')
    .action(
      action(async (flags: DetectorFlags) => {
        const { config } = ctx.config({
          'detector.port': flags.port === undefined ? undefined : Number(flags.port),
        });
        const log = createLogger(config.log);
        const clickhouse = await openClickHouse(config.clickhouse);
        if (flags.once) {
          const handle = await startDetector({
            config,
            client: clickhouse.client,
            log,
            listen: false,
            schedule: false,
          });
          try {
            const result = await handle.scheduler.runOnce();
            process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          } finally {
            await handle.close();
            await clickhouse.close();
          }
          return;
        }
        const shutdown = createShutdown(log);
        shutdown.register('clickhouse', () => clickhouse.close());
        try {
          const handle = await startDetector({ config, client: clickhouse.client, log });
          shutdown.register('detector', () => handle.close());
        } catch (err) {
          await shutdown.run('start failed');
          throw err;
        }
        shutdown.installSignalHandlers();
      }),
    );
}
