import { HTTPD_HTTP_PORT, HTTPD_HTTPS_PORT, SOCKET_DIR } from './container-spec.js';

/** Where the image's httpd.conf includes the rendered site file from (docker/httpd.Dockerfile). */
export const HTTPD_SITE_PATH = '/usr/local/apache2/conf/ja4/site.conf';
/** Certificate and key paths; the image's entrypoint creates a self-signed pair when absent. */
export const HTTPD_CERT_PATH = '/usr/local/apache2/conf/ja4/tls/server.crt';
export const HTTPD_KEY_PATH = '/usr/local/apache2/conf/ja4/tls/server.key';

export interface HttpdSite {
  serverName: string;
  /** Addresses or CIDRs whose X-Forwarded-For mod_remoteip believes. */
  trustedProxies: string[];
  /** Extra request headers mod_reqin_log records (ReqinLogHeader). */
  extraHeaders: string[];
  version: string;
}

const SERVER_NAME = /^[A-Za-z0-9.-]{1,253}$/;
const PROXY = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/;
const HEADER = /^[A-Za-z0-9-]{1,64}$/;

/** The first value that would break out of its directive, or undefined when all are safe. */
export function unsafeSiteValue(site: HttpdSite): string | undefined {
  if (!SERVER_NAME.test(site.serverName)) return `serverName ${JSON.stringify(site.serverName)}`;
  const proxy = site.trustedProxies.find((p) => !PROXY.test(p));
  if (proxy !== undefined) return `trustedProxies entry ${JSON.stringify(proxy)}`;
  const header = site.extraHeaders.find((h) => !HEADER.test(h));
  if (header !== undefined) return `extraHeaders entry ${JSON.stringify(header)}`;
  return undefined;
}

/**
 * The site configuration: listeners, mod_remoteip (RemoteIPHeader and its trusted proxies, so
 * client_ip is the real client while conn_ip stays the TCP peer the sentinel sees), mod_ssl on
 * the TLS port, and mod_reqin_log writing to the shared socket. Callers check unsafeSiteValue first.
 */
export function renderHttpdSite(site: HttpdSite): string {
  const lines = [
    `# Rendered by the ja4-platform Pulumi program for appliance ${site.version}.`,
    `ServerName ${site.serverName}`,
    `Listen ${HTTPD_HTTP_PORT}`,
    `Listen ${HTTPD_HTTPS_PORT}`,
    '',
    'RemoteIPHeader X-Forwarded-For',
    ...(site.trustedProxies.length > 0 ? [`RemoteIPTrustedProxy ${site.trustedProxies.join(' ')}`] : []),
    '',
    `ReqinLogSocket ${SOCKET_DIR}/http.socket`,
    'ReqinLog On',
    ...site.extraHeaders.map((h) => `ReqinLogHeader ${h}`),
    '',
    `<VirtualHost *:${HTTPD_HTTPS_PORT}>`,
    '  SSLEngine on',
    `  SSLCertificateFile ${HTTPD_CERT_PATH}`,
    `  SSLCertificateKeyFile ${HTTPD_KEY_PATH}`,
    '</VirtualHost>',
    '',
  ];
  return lines.join('\n');
}
