import { type Command, Option } from 'commander';
import {
  APPLIANCE_VERSION,
  type Config,
  createLogger,
  createShutdown,
  type Logger,
  maskUrl,
} from '../../common/index.js';
import { type DetectorLink, startDashboard, WEB_DIST } from '../../dashboard/index.js';
import { action, type CliContext } from '../context.js';
import { addressWidth, createConsole, nextSteps } from '../up/console.js';
import { type Core, startCore } from '../up/core.js';
import { type EdgeOptions, sentinelPorts, startSentinelChild, startWebHostStep } from '../up/edge.js';
import { type LogFormat, upLogChoice } from '../up/logging.js';
import { isAbsent } from '../up/probes/absent.js';
import { type Edge, type UpProbes, upProbes } from '../up/probes/index.js';
import { errorLine, StepFailed, step } from '../up/steps.js';
import { planWebHost, withSocketGroup } from '../up/web-host.js';
import { ensureBundle } from '../web/bundle.js';

interface UpOptions {
  seed?: boolean;
  sentinel?: boolean;
  webHost?: boolean;
  logFormat?: LogFormat;
}

/** The dashboard reaches the detector in-process, with the detector's own token. */
function detectorLink(core: Core): DetectorLink {
  return {
    async request(method, path) {
      const res = await core.detector.app.inject({
        method,
        url: path,
        headers: { authorization: `Bearer ${core.detector.apiToken}` },
      });
      return { status: res.statusCode, body: res.json() };
    },
  };
}

/** The dashboard, once its web app is current (built now when its sources changed). */
async function startDashboardStep(
  o: EdgeOptions,
  core: Core,
  status: UpProbes,
  web: { root: string; bundle: ReturnType<typeof ensureBundle> },
) {
  const webRoot = web.root;
  return step(
    o.out,
    'dashboard',
    `http://${o.config.dashboard.host}:${o.config.dashboard.port}/`,
    async () => {
      // A web app that does not build leaves the API and the previous bundle (if any) serving.
      const note = await web.bundle.then(
        (b) => (b.state === 'built' ? `web app built in ${(b.ms / 1000).toFixed(1)} s` : ''),
        (err) => {
          o.log.error({ err }, 'the web app did not build');
          return `web app not rebuilt (${errorLine(err)}); serving what ${webRoot} holds`;
        },
      );
      const d = await startDashboard({
        config: o.config,
        clickhouse: core.ch.client,
        log: o.log,
        webRoot,
        probes: status.probes,
        detector: detectorLink(core),
        adminActions: await adminActions(o, core),
      });
      o.shutdown.register('dashboard', () => d.close());
      return { value: d, note, address: d.url };
    },
    { portKey: 'dashboard.port (JA4_DASHBOARD_PORT)' },
  );
}

async function adminActions(o: EdgeOptions, core: Core): Promise<Record<string, () => Promise<unknown>>> {
  const { seedDemo } = await import('../up/seed-demo.js');
  const { loadDictionaries } = await import('../../common/migrate/index.js');
  const cluster = o.config.clickhouse.cluster;
  return {
    seed: () => seedDemo(core.ch.client, String(Date.now())),
    'dict-load': () => loadDictionaries(core.ch.client, { cluster, log: o.log }),
  };
}

/** Everything, in order; returns once every part that can run does. */
async function up(opts: UpOptions, o: EdgeOptions, plan: Awaited<ReturnType<typeof planWebHost>>) {
  // The web app builds (when its sources changed) while the database starts and seeds.
  const root = o.config.dashboard.web_root || WEB_DIST;
  const bundle = ensureBundle({ outDir: root });
  bundle.catch(() => undefined);
  const core = await startCore({ ...o, seed: opts.seed });
  const edge: Edge = {
    webHost: { reason: 'starting', off: false },
    sentinel: { reason: 'starting', off: false },
  };
  const status = upProbes(o.config, core.correlator, edge);
  o.shutdown.register('status sampler', () => status.stop());
  const dashboard = await startDashboardStep(o, core, status, { root, bundle });
  if (!dashboard) return;
  const ports = sentinelPorts(o.config, o.sources, plan.run);
  edge.sentinel = await startSentinelChild(o, opts.sentinel !== false, ports);
  status.setWebHost(await startWebHostStep(o, plan, dashboard.url));
  const admin = dashboard.firstAdmin;
  if (admin) {
    o.out.line();
    o.out.line(
      admin.generatedPassword
        ? `  First login:     ${admin.username} / ${admin.generatedPassword}   (shown once; change it on the dashboard, or set dashboard.admin_password)`
        : `  First login:     ${admin.username}, with the password from dashboard.admin_password`,
    );
  }
  const steps = nextSteps({
    dashboardUrl: dashboard.url,
    webHostUrl: isAbsent(edge.webHost) ? undefined : edge.webHost.url,
    capturing: !isAbsent(edge.sentinel),
    httpSocket: o.config.sockets.http,
  });
  for (const line of steps) o.out.line(line);
}

/** The addresses the rows will show, known from the config before anything starts. */
function rowAddresses(c: Config): string[] {
  return [
    maskUrl(c.clickhouse.url),
    c.sockets.http,
    `http://${c.detector.host}:${c.detector.port}`,
    `http://${c.dashboard.host}:${c.dashboard.port}/`,
    `https://127.0.0.1:${c.web_host.port}/`,
  ];
}

async function run(ctx: CliContext, opts: UpOptions): Promise<void> {
  const loaded = ctx.config();
  const out = createConsole(addressWidth(rowAddresses(loaded.config)));
  const choice = upLogChoice(loaded.config.log, {
    tty: process.stdout.isTTY === true,
    format: opts.logFormat,
  });
  const log: Logger = createLogger(choice.log);
  out.line(`ja4-platform ${APPLIANCE_VERSION} (logs: ${choice.where})`);
  out.line();
  const shutdown = createShutdown(log, 30_000);
  shutdown.installSignalHandlers();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => out.line(`\nja4 up: stopping (${signal}); a second one exits at once`));
  }
  const plan = await planWebHost(loaded.config, opts.webHost !== false);
  const config = withSocketGroup(loaded.config, plan);
  const o: EdgeOptions = { config, log, out, shutdown, sources: loaded.sources, configFile: loaded.file };
  try {
    await up(opts, o, plan);
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    log.error({ err: err.cause, service: err.message }, 'ja4 up stopped: a service did not start');
    out.line();
    out.line(`ja4 up: stopping, ${err.message} did not start (details in ${choice.where})`);
    await shutdown.run('a service did not start');
    process.exitCode = 1;
  }
}

export function registerUpCommands(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('run the whole appliance in one process on the embedded ClickHouse (what `npm start` runs)')
    .option('--seed', 'seed demo data even when this is not the first run')
    .option('--no-seed', 'do not seed demo data on the first run')
    .option('--no-sentinel', 'do not start the sentinel (capture on sentinel.iface)')
    .option('--no-web-host', 'do not start the Apache web host on https://127.0.0.1:8443/ (web_host.*)')
    .addOption(
      new Option(
        '--log-format <format>',
        'logs on stderr in this format, even on a terminal (there: a file)',
      ).choices(['json', 'pretty']),
    )
    .action(action((opts: UpOptions) => run(ctx, opts)));
}
