import type { Config, Logger, Shutdown } from '../../common/index.js';
import type { ApplianceHost } from '../../web-host/index.js';
import { canCapture, HOW_TO_CAPTURE } from './capture-rights.js';
import type { UpConsole } from './console.js';
import type { Absent } from './probes/absent.js';
import { type SentinelChild, spawnSentinel } from './sentinel-child.js';
import { errorLine } from './steps.js';
import { startWebHost, type WebHostPlan } from './web-host.js';

export interface EdgeOptions {
  config: Config;
  log: Logger;
  out: UpConsole;
  shutdown: Shutdown;
  /** Config keys set by a file, the environment or a flag (LoadedConfig.sources). */
  sources: Record<string, string>;
  configFile?: string;
}

/**
 * The ports the sentinel watches under `ja4 up`: sentinel.ports when set, else the web host's
 * HTTPS port when it runs (the default 443 has nothing listening on loopback).
 */
export function sentinelPorts(config: Config, sources: Record<string, string>, webHost: boolean): number[] {
  if (sources['sentinel.ports'] || !webHost) return config.sentinel.ports;
  return [config.web_host.port];
}

/** The sentinel as a child process, or why it is not running. */
export async function startSentinelChild(
  o: EdgeOptions,
  enabled: boolean,
  ports: number[],
): Promise<SentinelChild | Absent> {
  const address = `${o.config.sentinel.iface} port${ports.length > 1 ? 's' : ''} ${ports.join(',')}`;
  if (!enabled) {
    o.out.row('sentinel', address, 'off', '--no-sentinel');
    // A sentinel run on its own (a systemd unit, a container) has no heartbeat here: the
    // correlator's row counts its connection among the network producers.
    return {
      reason: '--no-sentinel; a sentinel run on its own shows as a network producer on the correlator row',
      off: true,
    };
  }
  if (!canCapture()) {
    o.out.row('sentinel', address, 'skipped', HOW_TO_CAPTURE);
    return { reason: HOW_TO_CAPTURE, off: false };
  }
  const child = spawnSentinel(o.config, o.log, ports, o.configFile, (how) => {
    o.out.line(`ja4 up: the sentinel exited (${how}); nothing is captured now (see the status page)`);
  });
  o.shutdown.register('sentinel', () => child.close());
  try {
    await child.ready;
    o.out.row('sentinel', address, 'ready', 'capturing TLS handshakes');
    return child;
  } catch (err) {
    await child.close();
    o.out.row('sentinel', address, 'failed', errorLine(err));
    return { reason: errorLine(err), off: false };
  }
}

/** The first-run Apache, or why it is not running. */
export async function startWebHostStep(
  o: EdgeOptions,
  plan: WebHostPlan,
  dashboardUrl: string,
): Promise<ApplianceHost | Absent> {
  const address = `https://127.0.0.1:${o.config.web_host.port}/`;
  if (!plan.run) {
    o.out.row('web host', address, plan.off ? 'off' : 'skipped', plan.reason);
    return { reason: plan.reason, off: plan.off };
  }
  try {
    const h = await startWebHost(o.config, plan, dashboardUrl);
    o.shutdown.register('web host', () => h.stop());
    const as = plan.runAs ? `, serving as ${plan.runAs.user}` : '';
    o.out.row('web host', address, 'ready', `${h.version || 'Apache'} with mod_reqin_log${as}`);
    return h;
  } catch (err) {
    const reason = errorLine(err, 'web_host.port (JA4_WEB_HOST_PORT)');
    o.out.row('web host', address, 'failed', reason);
    o.log.error({ err }, 'web host did not start');
    return { reason, off: false };
  }
}
