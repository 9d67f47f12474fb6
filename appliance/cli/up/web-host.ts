import path from 'node:path';
import type { Config } from '../../common/index.js';
import {
  type ApplianceHost,
  accepts,
  apacheMissing,
  blockedDirectory,
  locateApache,
  moduleSourceDir,
  type RunAs,
  reclaimStaleHttpd,
  runAsIdentity,
  startApplianceHost,
} from '../../web-host/index.js';

/** What `ja4 up` will do about the web host, decided before anything starts. */
export type WebHostPlan =
  | { run: true; runAs: RunAs | null; moduleDir: string }
  | { run: false; reason: string; off: boolean };

/** The one command that installs what the web host needs, on Debian (scripts/setup-system.sh does it too). */
export const HOW_TO_INSTALL_APACHE = 'sudo apt-get install apache2 apache2-dev';

/**
 * Whether the first-run Apache can run here, and as whom: off when told so; skipped, with the
 * reason and its fix, when httpd, mod_ssl, apxs or the module's sources are missing, when its
 * port is taken, or when the user its children serve as could not reach the socket or the pages.
 */
export async function planWebHost(config: Config, enabled: boolean): Promise<WebHostPlan> {
  const wh = config.web_host;
  if (!enabled) return { run: false, off: true, reason: '--no-web-host' };
  if (!wh.enabled) return { run: false, off: true, reason: 'web_host.enabled is false' };
  const moduleDir = moduleSourceDir();
  if (!moduleDir)
    return { run: false, off: false, reason: 'this install has no mod_reqin_log sources to build' };
  const missing = apacheMissing(locateApache());
  if (missing)
    return { run: false, off: false, reason: `${missing.replace(/ \(.*\)$/, '')}: ${HOW_TO_INSTALL_APACHE}` };
  // A web host a killed `ja4 up` left behind would hold the port: it is ours to stop.
  await reclaimStaleHttpd(wh.dir);
  if (await accepts(wh.port)) {
    return {
      run: false,
      off: false,
      reason: `127.0.0.1:${wh.port} is taken: set web_host.port (e.g. JA4_WEB_HOST_PORT=${wh.port + 1})`,
    };
  }
  const runAs = runAsIdentity(wh.user);
  if (process.getuid?.() === 0 && !runAs) {
    return {
      run: false,
      off: false,
      reason: `no user "${wh.user || 'www-data'}" to serve as: set web_host.user`,
    };
  }
  if (runAs) {
    for (const target of [path.dirname(path.resolve(config.sockets.http)), path.resolve(wh.dir)]) {
      const blocked = blockedDirectory(target, runAs);
      if (blocked) {
        return {
          run: false,
          off: false,
          reason: `${runAs.user} cannot enter ${blocked}, on the way to ${target}: chmod o+x ${blocked}, or run ja4 up from elsewhere`,
        };
      }
    }
  }
  return { run: true, runAs, moduleDir };
}

/**
 * The config the services start with: when the web host's children serve as another user, the
 * correlator's sockets get that user's group (unless sockets.group is set), so Apache can write
 * to them without hand work.
 */
export function withSocketGroup(config: Config, plan: WebHostPlan): Config {
  if (!plan.run || !plan.runAs || config.sockets.group !== '') return config;
  const group = plan.runAs.group.startsWith('#') ? String(plan.runAs.gid) : plan.runAs.group;
  return { ...config, sockets: { ...config.sockets, group } };
}

/** The page the web host serves at `/`: where to see the request that fetched it. */
export function indexPage(dashboardUrl: string): string {
  const see = `${dashboardUrl.replace(/\/$/, '')}/#/ip/127.0.0.1`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>ja4-platform web host</title></head>',
    '<body style="font-family: system-ui, sans-serif; margin: 3rem; max-width: 40rem">',
    '<h1>Fingerprinted</h1>',
    "<p>This page came from ja4-platform's web host: Apache httpd with mod_reqin_log. The sentinel",
    "captured your client's TLS ClientHello, and the correlator joins its JA4 to this request.</p>",
    `<p>See it on the dashboard (log in as admin): <a href="${see}">${see}</a></p>`,
    '</body></html>',
    '',
  ].join('\n');
}

export function startWebHost(
  config: Config,
  plan: Extract<WebHostPlan, { run: true }>,
  dashboardUrl: string,
): Promise<ApplianceHost> {
  return startApplianceHost({
    dir: config.web_host.dir,
    port: config.web_host.port,
    statusPort: config.web_host.status_port,
    httpSocket: config.sockets.http,
    moduleDir: plan.moduleDir,
    runAs: plan.runAs,
    indexHtml: indexPage(dashboardUrl),
  });
}
