import { describe, expect, it } from 'vitest';
import { locateApache, moduleSourceDir, renderHttpdConf } from '../../../../appliance/web-host/index.js';

const at = { dir: '/srv/wh', port: 8080, tlsPort: 8443, modules: '/mods', asRoot: false };

describe('renderHttpdConf', () => {
  it('loads mod_reqin_log and points it at its socket', () => {
    const conf = renderHttpdConf(at, { module: '/b/mod_reqin_log.so', logSocket: '/run/ja4/http.socket' });
    expect(conf).toMatch(/^LoadModule reqin_log_module \/b\/mod_reqin_log\.so$/m);
    expect(conf).toMatch(/^ReqinLogSocket \/run\/ja4\/http\.socket$/m);
    expect(conf).toMatch(/^LoadModule remoteip_module \/mods\/mod_remoteip\.so$/m);
    expect(conf).not.toMatch(/Listen 127\.0\.0\.1:8443/);
  });

  it('adds the TLS listener and vhost with the self-signed pair from the server root', () => {
    const conf = renderHttpdConf(at, { tls: true });
    expect(conf).toMatch(/^Listen 127\.0\.0\.1:8443$/m);
    expect(conf).toMatch(/^LoadModule ssl_module \/mods\/mod_ssl\.so$/m);
    expect(conf).toContain('SSLCertificateFile /srv/wh/cert.pem\nSSLCertificateKeyFile /srv/wh/key.pem');
    expect(conf).not.toMatch(/ReqinLog/);
  });

  it('drops to nobody only when started as root', () => {
    expect(renderHttpdConf({ ...at, asRoot: true })).toMatch(/^User nobody$/m);
    expect(renderHttpdConf(at)).not.toMatch(/^User /m);
  });
});

describe('locateApache and moduleSourceDir', () => {
  it('prefers explicit paths and finds the module sources in a checkout', () => {
    expect(locateApache({ httpd: '/opt/h/bin/httpd', modules: '/opt/h/modules' })).toEqual({
      httpd: '/opt/h/bin/httpd',
      modules: '/opt/h/modules',
    });
    expect(moduleSourceDir()).toMatch(/appliance\/mod_reqin_log$/);
    expect(moduleSourceDir('/')).toBeNull();
  });
});
