import path from 'node:path';

export type Mpm = 'event' | 'worker' | 'prefork';

/** What goes into the httpd.conf the web host writes. */
export interface HttpdConfOptions {
  mpm?: Mpm;
  /** Path of mod_reqin_log.so to load; omitted = Apache without the module. */
  module?: string;
  /** The UNIX socket mod_reqin_log writes its events to (ReqinLogSocket), with `module`. */
  logSocket?: string;
  /** Adds a TLS vhost (mod_ssl, cert.pem and key.pem in the server root) on the TLS port. */
  tls?: boolean;
  /** Config appended at server scope; `{{dir}}` is replaced by the server root. */
  conf?: string;
  /** Config inside both the plain and the TLS vhost. */
  vhostConf?: string;
  /** Config inside the plain vhost only (the appliance's status page, `ReqinLog Off`). */
  plainVhostConf?: string;
  /** The TLS vhost's certificate and key (default cert.pem and key.pem in the server root). */
  certificate?: { cert: string; key: string };
  /** ServerName of the TLS vhost (default tls.test). */
  tlsName?: string;
  /** User and group httpd's children serve as when started as root (default nobody, nogroup). */
  runAs?: { user: string; group: string };
  /** Config appended after the two vhosts (name-based vhosts that must not be the default). */
  tail?: string;
  /** Server-wide MPM directives, replacing the small defaults. */
  mpmConf?: string;
  /** Debian's stock module set and a combined access log, as a packaged Apache runs. */
  stock?: boolean;
}

/** Where the rendered config puts things. */
export interface HttpdConfPlace {
  /** ServerRoot: pid file, logs, certificate and htdocs/ live here. */
  dir: string;
  port: number;
  /** The TLS vhost's port (ignored without `tls`). */
  tlsPort: number;
  /** The directory of httpd's loadable modules. */
  modules: string;
  /** True when httpd starts as root: children then switch to nobody (httpd refuses to serve as root). */
  asRoot?: boolean;
}

/** The modules Debian's apache2 package enables by default (besides the MPM). */
export const STOCK_MODULES = [
  'access_compat',
  'alias',
  'auth_basic',
  'authn_core',
  'authn_file',
  'authz_host',
].concat([
  'authz_user',
  'autoindex',
  'deflate',
  'dir',
  'env',
  'filter',
  'negotiation',
  'reqtimeout',
  'setenvif',
]);

const MPM_DEFAULTS: Record<Mpm, string> = {
  prefork: 'StartServers 2\nMinSpareServers 2\nMaxSpareServers 4\nMaxRequestWorkers 16',
  // ServerLimit leaves room for the old generation's slots during a graceful restart.
  worker: 'StartServers 2\nServerLimit 8\nThreadsPerChild 8\nMaxRequestWorkers 32',
  event: 'StartServers 2\nServerLimit 8\nThreadsPerChild 8\nMaxRequestWorkers 32',
};

/** The combined access log, as Debian's apache2.conf defines it. */
export const COMBINED_LOG_FORMAT = `LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined`;

/** `LoadModule <name>_module <modules>/mod_<name>.so`. */
export function loadModuleLine(modules: string, name: string, file = `mod_${name}.so`): string {
  return `LoadModule ${name}_module ${path.join(modules, file)}`;
}

function vhost(at: HttpdConfPlace, port: number, tls: boolean, o: HttpdConfOptions): string {
  const cert = o.certificate ?? { cert: `${at.dir}/cert.pem`, key: `${at.dir}/key.pem` };
  return [
    `<VirtualHost 127.0.0.1:${port}>`,
    `ServerName ${tls ? (o.tlsName ?? 'tls.test') : 'plain.test'}`,
    tls ? `SSLEngine on\nSSLCertificateFile ${cert.cert}\nSSLCertificateKeyFile ${cert.key}` : '',
    tls ? '' : (o.plainVhostConf ?? ''),
    o.vhostConf ?? '',
    '</VirtualHost>',
  ].join('\n');
}

/**
 * An httpd.conf of its own for a server root: loopback listeners, mod_remoteip (so X-Forwarded-For
 * reaches the module as the client address), mod_ssl for the TLS vhost, mod_status, and
 * mod_reqin_log with its socket when a module is given.
 */
export function renderHttpdConf(at: HttpdConfPlace, o: HttpdConfOptions = {}): string {
  const { dir, port, tlsPort } = at;
  const mod = (name: string) => loadModuleLine(at.modules, name);
  const mpm = o.mpm ?? 'event';
  const asRoot = at.asRoot ?? process.getuid?.() === 0;
  return [
    `ServerRoot ${dir}`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    o.tls ? `Listen 127.0.0.1:${tlsPort}` : '',
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}`,
    `ErrorLog ${dir}/error.log`,
    'LogLevel notice',
    mod(`mpm_${mpm}`),
    mod('authz_core'),
    mod('mime'),
    'TypesConfig /etc/mime.types',
    mod('status'),
    mod('remoteip'),
    o.tls ? `${mod('socache_shmcb')}\n${mod('ssl')}\nSSLSessionCache shmcb:${dir}/ssl_scache(512000)` : '',
    o.module ? `LoadModule reqin_log_module ${o.module}` : '',
    o.module && o.logSocket ? `ReqinLogSocket ${o.logSocket}` : '',
    o.stock ? STOCK_MODULES.map((m) => mod(m)).join('\n') : '',
    o.stock ? `${COMBINED_LOG_FORMAT}\nCustomLog ${dir}/access.log combined` : '',
    asRoot ? `User ${o.runAs?.user ?? 'nobody'}\nGroup ${o.runAs?.group ?? 'nogroup'}` : '',
    o.mpmConf ?? MPM_DEFAULTS[mpm],
    'KeepAlive On\nMaxKeepAliveRequests 1000\nKeepAliveTimeout 5',
    `DocumentRoot ${dir}/htdocs`,
    `<Directory ${dir}/htdocs>\nRequire all granted\n</Directory>`,
    (o.conf ?? '').replaceAll('{{dir}}', dir),
    vhost(at, port, false, o),
    o.tls ? vhost(at, tlsPort, true, o) : '',
    (o.tail ?? '').replaceAll('{{dir}}', dir).replaceAll('{{port}}', String(port)),
  ].join('\n');
}
