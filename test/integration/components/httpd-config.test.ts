import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHttpdSite } from '../../../components/httpd-site.js';
import { APACHE_BIN, APACHE_MODULES, apacheMissing, buildModule } from '../../helpers/apache.js';
import { selfSignedCertificate } from '../../helpers/tls.js';

// The httpd image's configuration (docker/httpd/ja4.conf + the site the program renders) checked
// by a real httpd with the real mod_reqin_log: `httpd -t` parses every directive and binds nothing.
// Paths under the image's ServerRoot are moved to a temp root; the directives are the image's.

const IMAGE_ROOT = '/usr/local/apache2';
const missing = apacheMissing();
const root = mkdtempSync(join(tmpdir(), 'ja4-httpd-conf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function configTest(site: string): { ok: boolean; output: string } {
  writeFileSync(join(root, 'conf', 'ja4', 'site.conf'), site.replaceAll(IMAGE_ROOT, root));
  const r = spawnSync(APACHE_BIN, ['-t', '-f', join(root, 'conf', 'httpd.conf')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

describe.skipIf(missing)('httpd image configuration', () => {
  beforeAll(() => {
    const so = buildModule();
    for (const dir of ['modules', 'logs', 'conf/ja4/tls']) mkdirSync(join(root, dir), { recursive: true });
    for (const m of ['mod_mpm_event', 'mod_authz_core', 'mod_ssl', 'mod_socache_shmcb', 'mod_remoteip']) {
      symlinkSync(join(APACHE_MODULES, `${m}.so`), join(root, 'modules', `${m}.so`));
    }
    symlinkSync(so, join(root, 'modules', 'mod_reqin_log.so'));
    const tls = join(root, 'conf', 'ja4', 'tls');
    selfSignedCertificate(tls, { keyFile: 'server.key', certFile: 'server.crt' });
    const ja4Conf = readFileSync(new URL('../../../docker/httpd/ja4.conf', import.meta.url), 'utf8');
    writeFileSync(join(root, 'conf', 'ja4.conf'), ja4Conf.replaceAll(IMAGE_ROOT, root));
    // The stock httpd.conf's essentials (Debian builds unixd in; the image's httpd.conf loads the MPM).
    writeFileSync(
      join(root, 'conf', 'httpd.conf'),
      [
        `ServerRoot ${root}`,
        'LoadModule mpm_event_module modules/mod_mpm_event.so',
        'LoadModule authz_core_module modules/mod_authz_core.so',
        `PidFile ${root}/logs/httpd.pid`,
        `ErrorLog ${root}/logs/error.log`,
        'Include conf/ja4.conf',
        '',
      ].join('\n'),
    );
  }, 120_000);

  it('accepts the rendered site with proxies and extra headers', () => {
    const site = renderHttpdSite({
      serverName: 'www.example.com',
      trustedProxies: ['10.0.0.0/8', '192.168.0.0/16', '::1'],
      extraHeaders: ['X-Request-Id', 'X-Trace'],
      version: 'test',
    });
    const r = configTest(site);
    expect(r.output).toMatch(/Syntax OK/);
    expect(r.ok).toBe(true);
  });

  it('accepts the image default site and the minimal rendering', () => {
    const image = readFileSync(new URL('../../../docker/httpd/site.conf', import.meta.url), 'utf8');
    expect(configTest(image).ok).toBe(true);
    const minimal = renderHttpdSite({
      serverName: 'localhost',
      trustedProxies: [],
      extraHeaders: [],
      version: 't',
    });
    expect(configTest(minimal).ok).toBe(true);
  });

  it('would catch a broken directive', () => {
    const r = configTest(
      `${renderHttpdSite({ serverName: 'x', trustedProxies: [], extraHeaders: [], version: 't' })}ReqinLogMaxValueLength 1\n`,
    );
    expect(r.ok).toBe(false);
  });
});

it.runIf(missing)('httpd configuration check skipped', () => {
  console.log(`skipped: ${missing}`);
});
