import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../appliance/common/config/index.js';
import { type BuildRpmResult, buildRpms, defaultOptions } from '../../../scripts/build-rpm.js';
import { stageApp } from '../../../scripts/stage-app.js';
import {
  apacheTestConf,
  has,
  parseUnit,
  rpmFileMeta,
  rpmFiles,
  rpmQuery,
  rpmRequires,
  run,
  stubPath,
} from './rpm-helpers.js';

// Builds the RPMs twice (this version, then a bumped one whose default config changed), installs
// them into a scratch root and upgrades it. chDB (~550 MB) is left out of the test build: its
// split is the same %files mechanism as cap's, which is checked here.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const APP = '/usr/lib/ja4';
/** Unit -> the `ja4` arguments it runs. ja4-up ships in ja4-chdb, which the test build skips. */
const UNITS: Record<string, string> = {
  sentinel: 'sentinel',
  correlator: 'correlator',
  detector: 'detector',
  dashboard: 'dashboard',
  migrate: 'migrate up',
  up: 'up --no-seed --no-sentinel',
};
const SYSCONFIG = ['sentinel', 'correlator', 'detector', 'dashboard'];
const ready = has('rpmbuild') && has('rpm');
if (!ready)
  console.warn('SKIP build-rpm: rpmbuild/rpm not installed (scripts/setup-system.sh installs them)');
const moduleSource = existsSync(join(ROOT, 'appliance/mod_reqin_log/mod_reqin_log.c'));
if (!moduleSource)
  console.warn('SKIP ja4-mod-reqin-log checks: appliance/mod_reqin_log/mod_reqin_log.c is absent');

const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const bumped = pkgVersion.replace(/^(\d+)\.(\d+)\.(\d+).*$/, (_, a, b, c) => `${a}.${b}.${Number(c) + 1}`);

describe.skipIf(!ready)('npm run rpm (scripts/build-rpm.ts)', () => {
  let work: string;
  let scratch: string;
  let v1: BuildRpmResult;
  let v2: BuildRpmResult;
  const pkg = (r: BuildRpmResult, name: string) => {
    const found = r.rpms.find((p) => basename(p).startsWith(`${name}-${r.version}-`));
    if (!found) throw new Error(`no ${name} in ${r.rpms.join(', ')}`);
    return found;
  };
  const rpmRoot = (...args: string[]) => run('rpm', ['--root', scratch, '--dbpath', '/var/lib/rpm', ...args]);
  const inRoot = (p: string) => join(scratch, p);
  /** The installed unit, or the repository's for a unit whose package the test does not build. */
  const unitFile = (svc: string) => {
    const installed = inRoot(`/usr/lib/systemd/system/ja4-${svc}.service`);
    return existsSync(installed) ? installed : join(ROOT, `rpm/systemd/ja4-${svc}.service`);
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ja4-rpm-test-'));
    // One stage (compiled JavaScript, dashboard bundle, npm ci --omit=dev), packaged twice.
    const stage = join(work, 'stage');
    await stageApp({ root: ROOT, dest: stage, log: () => {} });
    const common = {
      stageDir: stage,
      withChdb: false,
      payload: 'w1.gzdio',
      log: () => {},
    };
    // The next release changes a default in ja4.yaml, so rpm must keep the edited one.
    const rpmDir2 = join(work, 'rpm2');
    cpSync(join(ROOT, 'rpm'), rpmDir2, { recursive: true });
    writeFileSync(
      join(rpmDir2, 'config/ja4.yaml'),
      `${readFileSync(join(rpmDir2, 'config/ja4.yaml'), 'utf8')}\n# a new default in ${bumped}\n`,
    );
    // Both builds at once: rpmbuild waits on I/O as much as on the CPU.
    [v1, v2] = await Promise.all([
      buildRpms(defaultOptions(ROOT, { ...common, appVersion: pkgVersion, outDir: join(work, 'v1') })),
      buildRpms(
        defaultOptions(ROOT, { ...common, appVersion: bumped, outDir: join(work, 'v2'), rpmDir: rpmDir2 }),
      ),
    ]);
    scratch = join(work, 'root');
    expect(rpmRoot('--initdb').status).toBe(0);
    // --noscripts: rpm would run the scriptlets chrooted in the scratch root, which has no
    // /bin/sh; they are run against stub commands in their own test below.
    const installed = rpmRoot('--nodeps', '--noscripts', '-i', ...v1.rpms);
    expect(installed.status, installed.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds every package, versioned from package.json', () => {
    const names = ['ja4-common', 'ja4-sentinel', 'ja4-correlator', 'ja4-analysis'];
    if (moduleSource) names.push('ja4-mod-reqin-log');
    for (const name of names) {
      const file = pkg(v1, name);
      expect(rpmQuery(file, '--qf', '%{NAME} %{VERSION} %{RELEASE}')).toBe(`${name} ${pkgVersion} 1`);
      expect(rpmQuery(file, '--qf', '%{ARCH}')).not.toBe('noarch');
    }
    expect(v1.rpms.some((p) => basename(p).startsWith('ja4-chdb-'))).toBe(false);
  });

  it('puts the runtime in ja4-common and keeps dev tools, capture and chDB out of it', () => {
    const files = rpmFiles(pkg(v1, 'ja4-common'));
    for (const f of [
      '/usr/bin/ja4',
      `${APP}/bin/ja4.js`,
      `${APP}/package.json`,
      `${APP}/dist/appliance/cli/main.js`,
      `${APP}/node_modules/fastify/package.json`,
      `${APP}/node_modules/@clickhouse/client/package.json`,
      '/etc/ja4/ja4.yaml',
      '/usr/lib/tmpfiles.d/ja4.conf',
      '/usr/lib/sysusers.d/ja4.conf',
    ]) {
      expect(files).toContain(f);
    }
    for (const bad of [
      'vitest',
      'typescript',
      '@biomejs',
      '@pulumi',
      'playwright-core',
      'cap',
      'chdb',
      '@chdb',
    ]) {
      expect(files.filter((f) => f.startsWith(`${APP}/node_modules/${bad}/`))).toEqual([]);
    }
    // No TypeScript sources: bin/ja4.js must take the compiled path.
    expect(files.filter((f) => f.endsWith('.ts') && !f.includes('/node_modules/'))).toEqual([]);
  });

  it('ships the capture addon with the sentinel, the migrations with the analysis host', () => {
    const sentinel = rpmFiles(pkg(v1, 'ja4-sentinel'));
    expect(sentinel).toContain(`${APP}/node_modules/cap/build/Release/cap.node`);
    expect(sentinel).toContain('/usr/lib/systemd/system/ja4-sentinel.service');
    expect(rpmFiles(pkg(v1, 'ja4-correlator'))).toContain('/usr/lib/systemd/system/ja4-correlator.service');
    const analysis = rpmFiles(pkg(v1, 'ja4-analysis'));
    const migrations = readdirSync(join(ROOT, 'migrations'), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && /\.(sql|csv)$/.test(d.name))
      .map((d) => `${APP}/${relative(ROOT, join(d.parentPath, d.name))}`);
    expect(migrations.length).toBeGreaterThan(0);
    expect(analysis).toEqual(expect.arrayContaining(migrations));
    for (const unit of ['ja4-detector', 'ja4-dashboard', 'ja4-migrate']) {
      expect(analysis).toContain(`/usr/lib/systemd/system/${unit}.service`);
    }
    // Always, whatever was built in the checkout: the stage builds the bundle for every artifact,
    // where the compiled server looks (../../web/dist from dist/appliance/dashboard/server/plugins).
    expect(analysis).toContain(`${APP}/dist/appliance/dashboard/web/dist/index.html`);
  });

  it('refuses to package a stage without the dashboard bundle', async () => {
    const bare = join(work, 'stage-no-web');
    cpSync(join(work, 'stage'), bare, { recursive: true, filter: (src) => !src.includes('/node_modules/') });
    rmSync(join(bare, 'dist/appliance/dashboard/web/dist'), { recursive: true });
    await expect(
      buildRpms(
        defaultOptions(ROOT, { stageDir: bare, withChdb: false, outDir: join(work, 'v0'), log: () => {} }),
      ),
    ).rejects.toThrow(/no dashboard bundle/);
  });

  it('declares node >= 20 (with RHEL nodejs epoch), its own common package and libpcap', () => {
    expect(rpmRequires(pkg(v1, 'ja4-common'))).toContain('nodejs >= 1:20');
    for (const name of ['ja4-sentinel', 'ja4-correlator', 'ja4-analysis']) {
      expect(rpmRequires(pkg(v1, name))).toContainEqual(
        expect.stringMatching(new RegExp(`^ja4-common(\\(.+\\))? = ${pkgVersion}-1$`)),
      );
    }
    const sentinel = rpmRequires(pkg(v1, 'ja4-sentinel'));
    expect(sentinel).toContain('libpcap');
    // The addon's ELF dependency, as linked on the build host.
    expect(sentinel).toContainEqual(expect.stringMatching(/^libpcap\.so\.[\d.]+\(\)/));
    for (const file of v1.rpms) expect(rpmRequires(file).filter((r) => r.includes('libchdb'))).toEqual([]);
  });

  it('marks configs noreplace with the right owners and modes', () => {
    const meta = rpmFileMeta(pkg(v1, 'ja4-common'));
    expect(meta.get('/etc/ja4/ja4.yaml')).toEqual({ flags: 'cn', owner: 'root:ja4', mode: '-rw-r-----' });
    expect(meta.get('/etc/ja4')?.owner).toBe('root:ja4');
    expect(meta.get('/var/lib/ja4')).toMatchObject({ owner: 'ja4:ja4', mode: 'drwxr-x---' });
    for (const [name, svc] of [
      ['ja4-sentinel', 'sentinel'],
      ['ja4-correlator', 'correlator'],
      ['ja4-analysis', 'detector'],
    ]) {
      // 0640 root:ja4 like ja4.yaml: an operator may put JA4_CLICKHOUSE_PASSWORD here.
      expect(rpmFileMeta(pkg(v1, name)).get(`/etc/sysconfig/ja4-${svc}`)).toEqual({
        flags: 'cn',
        owner: 'root:ja4',
        mode: '-rw-r-----',
      });
    }
  });

  it('installs into a scratch root with a working CLI and a config that validates', () => {
    for (const f of [
      '/usr/bin/ja4',
      '/etc/ja4/ja4.yaml',
      '/usr/lib/tmpfiles.d/ja4.conf',
      `${APP}/node_modules/cap`,
    ]) {
      expect(existsSync(inRoot(f)), f).toBe(true);
    }
    const version = run('node', [inRoot('/usr/bin/ja4'), '--version']);
    expect(version.stdout.trim(), version.stderr).toBe(pkgVersion);
    const check = run('node', [
      inRoot('/usr/bin/ja4'),
      '--config',
      inRoot('/etc/ja4/ja4.yaml'),
      'config',
      'check',
    ]);
    expect(check.status, check.stderr).toBe(0);
    const { config } = loadConfig({ file: inRoot('/etc/ja4/ja4.yaml'), env: {}, useDefaultFile: false });
    expect(config.clickhouse.url.startsWith('http')).toBe(true);
    // The sockets live where tmpfiles.d makes the directory, with the group it sets.
    const tmpfiles = readFileSync(inRoot('/usr/lib/tmpfiles.d/ja4.conf'), 'utf8');
    const dirLine =
      tmpfiles
        .split('\n')
        .find((l) => l.startsWith('d '))
        ?.split(/\s+/) ?? [];
    expect(dirLine.slice(0, 5)).toEqual(['d', '/run/ja4', '2750', 'ja4', config.sockets.group]);
    expect(dirname(config.sockets.http)).toBe('/run/ja4');
    expect(dirname(config.sockets.network)).toBe('/run/ja4');
    for (const p of [config.correlator.spool_dir, config.detector.model_dir, config.dashboard.state_dir]) {
      expect(p.startsWith('/var/lib/ja4/')).toBe(true);
    }
  });

  it('ships sysconfig examples that name real JA4_* keys', () => {
    for (const svc of SYSCONFIG) {
      const text = readFileSync(inRoot(`/etc/sysconfig/ja4-${svc}`), 'utf8');
      const env = Object.fromEntries(
        [...text.matchAll(/^#?(JA4_[A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]] as const),
      );
      expect(Object.keys(env).length).toBeGreaterThan(0);
      expect(() =>
        loadConfig({ file: inRoot('/etc/ja4/ja4.yaml'), env, useDefaultFile: false }),
      ).not.toThrow();
    }
  });

  it('hardens the units: CAP_NET_RAW for the sentinel only, nothing for the rest', () => {
    for (const [svc, cmd] of Object.entries(UNITS)) {
      const unit = parseUnit(readFileSync(unitFile(svc), 'utf8'));
      const s = unit.get('Service');
      expect(s, svc).toBeDefined();
      const one = (k: string) => s?.get(k)?.at(-1);
      expect(one('ExecStart')).toBe(`/usr/bin/ja4 ${cmd}`);
      expect(one('User')).toBe('ja4');
      expect(one('NoNewPrivileges')).toBe('yes');
      expect(one('ProtectSystem')).toBe('strict');
      expect(one('PrivateTmp')).toBe('yes');
      expect(one('Environment')).toContain('JA4_CONFIG=/etc/ja4/ja4.yaml');
      if (svc === 'sentinel') {
        expect(one('AmbientCapabilities')).toBe('CAP_NET_RAW');
        expect(one('CapabilityBoundingSet')).toBe('CAP_NET_RAW');
      } else {
        expect(one('AmbientCapabilities') ?? '').toBe('');
        expect(one('CapabilityBoundingSet')).toBe('');
      }
      if (svc !== 'migrate') expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
    }
    const correlator = parseUnit(readFileSync(unitFile('correlator'), 'utf8')).get('Service');
    expect(correlator?.get('StateDirectory')?.[0]).toContain('ja4/spool');
    expect(correlator?.get('LogsDirectory')).toEqual(['ja4']);
    expect(correlator?.get('ReadWritePaths')).toEqual(['/run/ja4']);
  });

  it('runs only commands and flags the packaged CLI has', () => {
    for (const [svc, cmd] of Object.entries(UNITS)) {
      const words = cmd.split(' ');
      const sub = words.filter((w) => !w.startsWith('-'));
      const help = run('node', [inRoot('/usr/bin/ja4'), ...sub, '--help']);
      expect(help.status, `${svc}: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain(`Usage: ja4 ${sub.join(' ')}`);
      for (const flag of words.filter((w) => w.startsWith('-'))) expect(help.stdout, svc).toContain(flag);
    }
  });

  it('passes systemd-analyze verify', (ctx) => {
    const hostUnits = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) =>
      existsSync(join(d, 'sysinit.target')),
    );
    if (!has('systemd-analyze') || !hostUnits) {
      console.warn('SKIP systemd-analyze verify: systemd-analyze or the host unit directory is missing');
      ctx.skip();
      return;
    }
    // verify --root needs the targets the units order against; borrow the host's, keep ours.
    cpSync(hostUnits, inRoot('/usr/lib/systemd/system'), {
      recursive: true,
      force: false,
      dereference: false,
    });
    for (const svc of Object.keys(UNITS)) {
      const installed = inRoot(`/usr/lib/systemd/system/ja4-${svc}.service`);
      if (unitFile(svc) !== installed) cpSync(unitFile(svc), installed);
    }
    const units = Object.keys(UNITS).map((s) => `ja4-${s}.service`);
    const r = run('systemd-analyze', ['verify', `--root=${scratch}`, ...units], {
      cwd: inRoot('/usr/lib/systemd/system'),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('ja4'))).toEqual([]);
  });

  it('creates the user with sysusers.d and /run/ja4 with tmpfiles.d', (ctx) => {
    if (!has('systemd-sysusers') || !has('systemd-tmpfiles')) {
      console.warn('SKIP sysusers/tmpfiles: systemd-sysusers or systemd-tmpfiles is missing');
      ctx.skip();
      return;
    }
    const users = run('systemd-sysusers', [`--root=${scratch}`]);
    expect(users.status, users.stderr).toBe(0);
    const passwd = readFileSync(inRoot('/etc/passwd'), 'utf8').split('\n');
    const ja4 = passwd.find((l) => l.startsWith('ja4:'))?.split(':') ?? [];
    expect([ja4[5], ja4[6]]).toEqual(['/var/lib/ja4', '/sbin/nologin']);
    const group = readFileSync(inRoot('/etc/group'), 'utf8').split('\n');
    const socketGroup = group.find((l) => l.startsWith('ja4-socket:'))?.split(':') ?? [];
    expect(socketGroup[3]?.split(',')).toContain('ja4');
    const tmp = run('systemd-tmpfiles', [`--root=${scratch}`, '--create', 'ja4.conf']);
    expect(tmp.status, tmp.stderr).toBe(0);
    const st = statSync(inRoot('/run/ja4'));
    expect(st.mode & 0o7777).toBe(0o2750);
    expect([st.uid, st.gid]).toEqual([Number(ja4[2]), Number(socketGroup[2])]);
  });

  it('creates the ja4 user and groups in %pre, idempotently', () => {
    const prein = rpmQuery(pkg(v1, 'ja4-common'), '--qf', '%{PREIN}');
    const script = join(work, 'prein.sh');
    writeFileSync(script, prein);
    const log = join(work, 'prein.log');
    const path = stubPath(join(work, 'stubs'), log);
    expect(run('/bin/sh', [script], { env: { PATH: path, GETENT_STATUS: '2' } }).status).toBe(0);
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('getent') && l);
    expect(calls).toContain('groupadd -r ja4');
    expect(calls).toContain('groupadd -r ja4-socket');
    const useradd = calls.find((c) => c.startsWith('useradd')) ?? '';
    expect(useradd).toMatch(/ -r /);
    expect(useradd).toMatch(/ -g ja4 /);
    expect(useradd).toMatch(/ -G ja4-socket /);
    expect(useradd).toMatch(/ -d \/var\/lib\/ja4 /);
    expect(useradd).toMatch(/ -s \/sbin\/nologin /);
    expect(useradd).toMatch(/ ja4$/);
    rmSync(log);
    expect(run('/bin/sh', [script], { env: { PATH: path, GETENT_STATUS: '0' } }).status).toBe(0);
    expect(readFileSync(log, 'utf8')).not.toMatch(/groupadd|useradd/);
  });

  it.skipIf(!moduleSource)('installs the Apache module and conf, and lets Apache write the socket', () => {
    const mod = pkg(v1, 'ja4-mod-reqin-log');
    const files = rpmFiles(mod);
    const so = files.find((f) => f.endsWith('/modules/mod_reqin_log.so'));
    expect(so).toBeDefined();
    expect(files).toContain('/etc/httpd/conf.modules.d/10-reqin_log.conf');
    expect(rpmFileMeta(mod).get('/etc/httpd/conf.modules.d/10-reqin_log.conf')?.flags).toBe('cn');
    expect(rpmRequires(mod)).toContain('httpd');
    const conf = readFileSync(inRoot('/etc/httpd/conf.modules.d/10-reqin_log.conf'), 'utf8');
    expect(conf).toMatch(/^LoadModule reqin_log_module modules\/mod_reqin_log\.so$/m);
    expect(conf).toMatch(/^\s*ReqinLogSocket \/run\/ja4\/http\.socket$/m);
    const log = join(work, 'mod.log');
    const path = stubPath(join(work, 'stubs'), log);
    const post = join(work, 'mod-post.sh');
    writeFileSync(post, rpmQuery(mod, '--qf', '%{POSTIN}'));
    expect(run('/bin/sh', [post], { env: { PATH: path, GETENT_STATUS: '0' } }).status).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain('usermod -a -G ja4-socket apache');
  });

  it.skipIf(!moduleSource || !has('apache2'))(
    'loads the packaged module into a real Apache (apache2 -t)',
    () => {
      const so = inRoot(rpmFiles(pkg(v1, 'ja4-mod-reqin-log')).find((f) => f.endsWith('.so')) ?? '');
      const conf = join(work, 'httpd.conf');
      writeFileSync(
        conf,
        apacheTestConf(dirname(dirname(so)), work, inRoot('/etc/httpd/conf.modules.d/10-reqin_log.conf')),
      );
      const r = run('apache2', ['-t', '-f', conf]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('Syntax OK');
    },
  );

  it('upgrades to a bumped version and keeps the edited config (.rpmnew beside it)', () => {
    const cfg = inRoot('/etc/ja4/ja4.yaml');
    const edited = readFileSync(cfg, 'utf8').replace('level: info', 'level: debug');
    writeFileSync(cfg, edited);
    const up = rpmRoot('--nodeps', '--noscripts', '-U', ...v2.rpms);
    expect(up.status, up.stderr).toBe(0);
    const arch = rpmQuery(pkg(v2, 'ja4-common'), '--qf', '%{ARCH}');
    expect(rpmRoot('-q', 'ja4-common').stdout.trim()).toBe(`ja4-common-${bumped}-1.${arch}`);
    expect(readFileSync(cfg, 'utf8')).toBe(edited);
    expect(readFileSync(`${cfg}.rpmnew`, 'utf8')).toContain(`# a new default in ${bumped}`);
    // An untouched config whose default did not change is simply kept, with no .rpmnew.
    expect(existsSync(inRoot('/etc/sysconfig/ja4-sentinel.rpmnew'))).toBe(false);
    expect(run('node', [inRoot('/usr/bin/ja4'), '--version']).stdout.trim()).toBe(bumped);
  });
});
