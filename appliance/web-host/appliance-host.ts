import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildModuleAsync } from './build-module.js';
import { certificateValidFor, makeSelfSignedCertificate } from './certificate.js';
import { loadModuleLine } from './httpd-conf.js';
import { type ApacheServer, startApache } from './httpd-process.js';
import { type ApacheLocations, locateApache } from './locate.js';
import type { RunAs } from './run-as.js';
import { STATUS_PATH } from './status.js';

export interface ApplianceHostOptions {
  /** ServerRoot (web_host.dir): httpd.conf, tls/, htdocs/, error.log. */
  dir: string;
  /** HTTPS port on 127.0.0.1 (web_host.port). */
  port: number;
  /** Plain port for the module's counters (web_host.status_port; 0 = a free one). */
  statusPort: number;
  /** The correlator's http socket, where mod_reqin_log sends its events. */
  httpSocket: string;
  /** mod_reqin_log's sources (its Makefile). */
  moduleDir: string;
  /** Who the children serve as when started as root (null: as the invoking user). */
  runAs: RunAs | null;
  /** The page `/` serves. */
  indexHtml: string;
  apache?: ApacheLocations;
}

export interface ApplianceHost {
  server: ApacheServer;
  /** https://127.0.0.1:<port>/ */
  url: string;
  /** The plain port whose STATUS_PATH serves the module's counters. */
  statusPort: number;
  /** `Apache/2.4.x` as httpd -v says, or empty. */
  version: string;
  stop(): Promise<void>;
}

/** Days the generated certificate lasts; it is made again when less than a day is left. */
const CERT_DAYS = 365;

/** The self-signed certificate under dir/tls, made on first use and when it is about to expire. */
function certificate(dir: string): { cert: string; key: string } {
  const tls = path.join(dir, 'tls');
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const files = { cert: path.join(tls, 'cert.pem'), key: path.join(tls, 'key.pem') };
  if (!certificateValidFor(files.cert, 86_400)) {
    // localhost and 127.0.0.1 both, so `curl -k` and a browser's exception work either way.
    makeSelfSignedCertificate({
      certFile: files.cert,
      keyFile: files.key,
      name: 'localhost',
      ips: ['127.0.0.1'],
      days: CERT_DAYS,
    });
  }
  // httpd reads the key as the user it starts as (root reads it before switching users).
  chmodSync(files.key, 0o600);
  return files;
}

function httpdVersion(httpd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(httpd, ['-v'], (err, stdout) => resolve(err ? '' : (/Apache\/[\d.]+/.exec(stdout)?.[0] ?? '')));
  });
}

/**
 * The first-run web server of `ja4 up`: the host's Apache httpd with mod_reqin_log built from
 * this checkout, HTTPS on 127.0.0.1 with a self-signed certificate, mod_remoteip trusting
 * loopback proxies, and the module's events sent to the correlator's http socket. A second,
 * plain loopback port serves the module's counters for the status page and is not logged.
 */
export async function startApplianceHost(o: ApplianceHostOptions): Promise<ApplianceHost> {
  const apache = o.apache ?? locateApache();
  const dir = path.resolve(o.dir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const [module, version] = await Promise.all([buildModuleAsync(o.moduleDir), httpdVersion(apache.httpd)]);
  const server = await startApache({
    apache,
    dir,
    mpm: 'event',
    module,
    logSocket: path.resolve(o.httpSocket),
    tls: true,
    tlsPort: o.port,
    port: o.statusPort,
    tlsName: 'localhost',
    certificate: certificate(dir),
    runAs: o.runAs ? { user: o.runAs.user, group: o.runAs.group } : undefined,
    indexHtml: o.indexHtml,
    conf: [
      // `/` serves index.html.
      loadModuleLine(apache.modules, 'dir'),
      'DirectoryIndex index.html',
      // X-Forwarded-For is believed from loopback only (a proxy on this host), RFC 7239 §5.2.
      'RemoteIPHeader X-Forwarded-For',
      'RemoteIPInternalProxy 127.0.0.1 ::1',
    ].join('\n'),
    // Small, and MinSpareThreads within MaxRequestWorkers (the defaults, 75 of 32, make httpd warn).
    mpmConf:
      'StartServers 1\nServerLimit 4\nThreadsPerChild 16\nMaxRequestWorkers 64\nMinSpareThreads 16\nMaxSpareThreads 48',
    plainVhostConf: [
      'ReqinLog Off',
      `<Location ${STATUS_PATH}>`,
      'SetHandler reqin-log-status',
      '</Location>',
    ].join('\n'),
  });
  return {
    server,
    url: `https://127.0.0.1:${o.port}/`,
    statusPort: server.port,
    version,
    stop: () => server.stop(),
  };
}
