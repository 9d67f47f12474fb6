import type { Command } from 'commander';
import { createLogger, createShutdown, maskUrl, openClickHouse } from '../../common/index.js';
import { applyRetention, loadDictionaries, migrateUp } from '../../common/migrate/index.js';
import { deadLetterSummary, startCorrelator } from '../../correlator/index.js';
import { type DetectorLink, firstAdminMessage, startDashboard } from '../../dashboard/index.js';
import { startDetector } from '../../detector/index.js';
import { action, type CliContext } from '../context.js';
import { canCapture, HOW_TO_CAPTURE } from '../up/capture-rights.js';
import { spawnSentinel } from '../up/sentinel-child.js';

interface UpOptions {
  seed?: boolean;
  sentinel?: boolean;
}

/** One line per service on stdout, whatever the log format: what an operator waits for. */
const ready = (what: string) => process.stdout.write(`ready  ${what}\n`);

export function registerUpCommands(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('run the whole appliance in one process on the embedded ClickHouse (what `npm start` runs)')
    .option('--seed', 'seed demo data even when this is not the first run')
    .option('--no-seed', 'do not seed demo data on the first run')
    .option('--no-sentinel', 'do not start the sentinel on the loopback interface')
    .action(
      action(async (opts: UpOptions) => {
        const { config, file } = ctx.config();
        const log = createLogger(config.log);
        const shutdown = createShutdown(log, 30_000);
        shutdown.installSignalHandlers();

        const ch = await openClickHouse(config.clickhouse);
        shutdown.register('clickhouse', () => ch.close());
        const { applied, current } = await migrateUp(ch.client, { cluster: config.clickhouse.cluster, log });
        await applyRetention(ch.client, config.retention, { cluster: config.clickhouse.cluster });
        await loadDictionaries(ch.client, { ifEmpty: true, cluster: config.clickhouse.cluster, log });
        ready(
          `clickhouse  ${maskUrl(config.clickhouse.url)} (schema ${current}${applied.length ? `, applied ${applied.length}` : ''})`,
        );

        // Loaded here, not at CLI start: the seeder lives in scripts/ and only `up` needs it.
        const { isFirstRun, seedDemo } = await import('../up/seed-demo.js');
        const firstRun = await isFirstRun(ch.client);
        if (opts.seed === true || (firstRun && opts.seed !== false)) {
          const s = await seedDemo(ch.client);
          ready(
            `seed        ${s.totalRows} demo rows (${Object.entries(s.sessions)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')})`,
          );
        }

        const correlator = await startCorrelator({ config, log, clickhouse: ch });
        shutdown.register('correlator', () => correlator.close());
        ready(`correlator  ${config.sockets.http} and ${config.sockets.network}`);

        const detector = await startDetector({ config, client: ch.client, log });
        shutdown.register('detector', () => detector.close());
        ready(`detector    ${detector.address ?? '(no API)'}`);
        // The dashboard reaches the detector in-process, with the detector's own token.
        const detectorLink: DetectorLink = {
          async request(method, path) {
            const res = await detector.app.inject({
              method,
              url: path,
              headers: { authorization: `Bearer ${detector.apiToken}` },
            });
            return { status: res.statusCode, body: res.json() };
          },
        };

        const dashboard = await startDashboard({
          config,
          clickhouse: ch.client,
          log,
          probes: {
            correlator: async () => {
              const s = correlator.status();
              return {
                ok: true,
                detail: `${s.rowsWritten} rows written, ${s.pending} pending, ${s.spoolBatches} batches spooled`,
              };
            },
            'correlator dead letters': async () => ({
              ok: true,
              detail: deadLetterSummary(correlator.status()),
            }),
            detector: async () => {
              const res = await detectorLink.request('GET', '/status');
              return { ok: res.status === 200, detail: JSON.stringify(res.body).slice(0, 300) };
            },
          },
          detector: detectorLink,
          adminActions: {
            seed: () => seedDemo(ch.client, String(Date.now())),
            'dict-load': () => loadDictionaries(ch.client, { cluster: config.clickhouse.cluster, log }),
          },
        });
        shutdown.register('dashboard', () => dashboard.close());
        const adminLine = firstAdminMessage(dashboard.firstAdmin);
        if (adminLine) process.stdout.write(`${adminLine}\n`);
        ready(`dashboard   ${dashboard.url}`);

        if (opts.sentinel === false) {
          ready('sentinel    not started (--no-sentinel)');
        } else if (!canCapture()) {
          process.stdout.write(`skip   sentinel: ${HOW_TO_CAPTURE}\n`);
        } else {
          const sentinel = spawnSentinel(config, log, file);
          shutdown.register('sentinel', () => sentinel.close());
          try {
            await sentinel.ready;
            ready(`sentinel    capturing ${config.sentinel.iface} ports ${config.sentinel.ports.join(',')}`);
          } catch (err) {
            await sentinel.close();
            process.stdout.write(`skip   sentinel: ${(err as Error).message}; ${HOW_TO_CAPTURE}\n`);
          }
        }
        process.stdout.write(`ja4 up: all services running; open ${dashboard.url} (Ctrl-C stops)\n`);
      }),
    );
}
