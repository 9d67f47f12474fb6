import { describe, expect, it } from 'vitest';
import { renderHttpdSite, unsafeSiteValue } from '../../../components/httpd-site.js';

describe('httpd site', () => {
  const site = {
    serverName: 'www.example.com',
    trustedProxies: ['10.0.0.0/8'],
    extraHeaders: ['X-Request-Id'],
    version: '1',
  };

  it('renders remoteip, the socket and TLS', () => {
    const conf = renderHttpdSite(site);
    expect(conf).toMatch(/^RemoteIPTrustedProxy 10\.0\.0\.0\/8$/m);
    expect(conf).toMatch(/^ReqinLogSocket \/run\/ja4\/http\.socket$/m);
    expect(conf).toMatch(/^ReqinLogHeader X-Request-Id$/m);
    expect(conf).toMatch(/^\s+SSLEngine on$/m);
  });

  it('refuses values that would inject directives', () => {
    expect(unsafeSiteValue(site)).toBeUndefined();
    expect(unsafeSiteValue({ ...site, serverName: 'a\nLoadModule x y' })).toMatch(/serverName/);
    expect(unsafeSiteValue({ ...site, trustedProxies: ['10.0.0.0/8 all'] })).toMatch(/trustedProxies/);
    expect(unsafeSiteValue({ ...site, extraHeaders: ['X\nY'] })).toMatch(/extraHeaders/);
  });
});
