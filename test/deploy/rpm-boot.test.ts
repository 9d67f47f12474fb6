import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildRpmResult, buildRpms, defaultOptions } from '../../scripts/build-rpm.js';
import {
  type Booted,
  boot,
  bootUnavailable,
  inRoot,
  inRootNet,
  rootTarball,
  shutdown,
  unpackRoot,
} from './lib/boot-root.js';
import { REPO_ROOT } from './lib/pulumi-specs.js';
import { report } from './lib/report.js';
import { suiteStage } from './lib/stage.js';

// The RPMs of a single box (ja4-common, -sentinel, -correlator, -analysis, -chdb,
// ja4-mod-reqin-log) installed into a Debian root and booted with systemd as PID 1
// (systemd-nspawn): ja4-up, ja4-sentinel and Apache with the packaged module run under their
// units' hardening and carry real HTTPS requests into the dashboard; then an upgrade to a
// rebuilt release keeps the edited /etc/ja4/ja4.yaml and the data.

const skip = bootUnavailable();
if (skip) console.warn(`SKIP deployment RPMs: ${skip}`);
const ADMIN_PASSWORD = `rpm-${randomBytes(9).toString('hex')}`;
const EDIT = '# edited by the operator: kept across upgrades';
const UNITS = ['ja4-up', 'ja4-sentinel', 'apache2'];
const NET_RAW = 1n << 13n; // capability(7)
const JA4 = /^t\d{2}[di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

describe.skipIf(skip !== '')(`RPMs booted under systemd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let work: string;
  let root: string;
  let v1: BuildRpmResult;
  let v2: BuildRpmResult;
  let booted: Booted | undefined;
  const times: Record<string, number> = {};
  const timed = async <T>(what: string, f: () => Promise<T> | T): Promise<T> => {
    const t = Date.now();
    const out = await f();
    times[what] = (Date.now() - t) / 1000;
    return out;
  };

  /** curl inside the root's network namespace; the dashboard session kept in a cookie jar. */
  const curl = (args: string[]) => {
    const b = booted as Booted;
    const r = inRootNet(b, ['curl', '-s', '-b', join(work, 'jar'), '-c', join(work, 'jar'), ...args]);
    return r.stdout;
  };
  const login = () =>
    curl([
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      'http://127.0.0.1:8000/api/login',
    ]);
  /** The loopback client's recent requests with a JA4, by path, once all `paths` are there. */
  const findRequests = async (paths: string[]) => {
    const found = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const page = JSON.parse(
        curl(['http://127.0.0.1:8000/api/ips/127.0.0.1/requests?page_size=200']) || '{}',
      ) as {
        rows?: { path: string; ja4: string }[];
      };
      for (const r of page.rows ?? []) if (r.ja4 && paths.includes(r.path)) found.set(r.path, r.ja4);
      if (paths.every((p) => found.has(p))) break;
      await new Promise((r) => setTimeout(r, 3000));
    }
    return found;
  };
  /** Every unit active and the dashboard answering (ja4-up migrates before it listens). */
  const unitsUp = async () => {
    for (let i = 0; i < 90; i++) {
      const health = curl(['-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:8000/api/health']);
      if (health === '200' && UNITS.every((u) => active(u) === 'active') && capturing()) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  /**
   * The sentinel's current run has opened its capture: an active unit is a started process, and
   * a handshake sent before libpcap is open is never seen (it has no JA4 to be held for).
   */
  const capturing = () => {
    const b = booted as Booted;
    const id = inRoot(b, ['systemctl', 'show', '-p', 'InvocationID', '--value', 'ja4-sentinel'], {
      nothrow: true,
    }).stdout.trim();
    if (id === '') return false;
    const log = inRoot(
      b,
      ['journalctl', '-u', 'ja4-sentinel', '--no-pager', '-o', 'cat', `_SYSTEMD_INVOCATION_ID=${id}`],
      {
        nothrow: true,
      },
    ).stdout;
    return log.includes('sentinel capturing');
  };
  const active = (unit: string) =>
    inRoot(booted as Booted, ['systemctl', 'is-active', unit], { nothrow: true }).stdout.trim();

  beforeAll(async () => {
    work = mkdtempSync('/var/tmp/ja4-rpm-boot-');
    const stage = await suiteStage();
    times.stage_s = stage.seconds;
    const common = { stageDir: stage.dir, withChdb: true, payload: 'w1T.zstdio', log: () => {} };
    // Two releases of the same version: the upgrade an operator gets from a rebuilt package.
    [v1, v2] = await timed('rpmbuild_two_releases_s', () =>
      Promise.all([
        buildRpms(defaultOptions(REPO_ROOT, { ...common, release: '1', outDir: join(work, 'r1') })),
        buildRpms(defaultOptions(REPO_ROOT, { ...common, release: '2', outDir: join(work, 'r2') })),
      ]),
    );
    const { tarball } = await timed('root_tarball_s', () => rootTarball());
    root = join(work, 'root');
    unpackRoot(tarball, root);
    await timed('rpm_install_s', () => {
      const rpm = (args: string[]) => {
        const r = spawnRpm(['--root', root, '--dbpath', '/var/lib/rpm', ...args]);
        if (r.status !== 0) throw new Error(`rpm ${args[0]} failed: ${r.stderr}`);
      };
      rpm(['--initdb']);
      // --nodeps: Debian's packages are not in the rpm database (nodejs, httpd, libpcap are there
      // as .debs). The scriptlets run, chrooted: users, groups, tmpfiles.
      rpm(['--nodeps', '-i', ...v1.rpms]);
    });
    // The operator's part: Apache's layout mapped for Debian (rpm/README.md), TLS on 443 with
    // the snakeoil pair, the admin password, an edit to ja4.yaml, and the units enabled.
    writeFileSync(join(root, 'etc/sysconfig/ja4-up'), `JA4_DASHBOARD_ADMIN_PASSWORD=${ADMIN_PASSWORD}\n`);
    // A host name that resolves, as Debian's installer writes it: the embedded engine looks its
    // own name up, and an unresolvable one fails every insert (DNS error, code 1001).
    writeFileSync(join(root, 'etc/hostname'), 'ja4-box\n');
    writeFileSync(
      join(root, 'etc/hosts'),
      '127.0.0.1\tlocalhost\n127.0.1.1\tja4-box\n::1\tlocalhost ip6-localhost\n',
    );
    const yaml = join(root, 'etc/ja4/ja4.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}\n${EDIT}\n`);
    chroot(['sh', '/usr/share/ja4-mod-reqin-log/map-httpd-layout.sh']);
    chroot(['a2enmod', '-q', 'ssl']);
    chroot(['a2ensite', '-q', 'default-ssl']);
    chroot(['systemctl', 'enable', '-q', ...UNITS]);
    booted = await timed('boot_s', () => boot(root));
    await timed('units_active_s', () => unitsUp());
    function chroot(argv: string[]) {
      const r = spawnChroot(root, argv);
      if (r.status !== 0) throw new Error(`${argv.join(' ')} in the root failed: ${r.stderr}${r.stdout}`);
    }
  });

  afterAll(async () => {
    // TEST_DEPLOY_KEEP=1 leaves the root booted for a look (nsenter -t <leader> -a bash). Not a JA4_
    // name: the appliance refuses any JA4_ variable its config does not define.
    if (process.env.TEST_DEPLOY_KEEP) {
      console.log(`kept: root ${root}, systemd leader pid ${booted?.leader}`);
      return;
    }
    if (booted) await shutdown(booted);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs ja4-up, the sentinel and Apache with the packaged module, each active', () => {
    const b = booted as Booted;
    for (const unit of UNITS)
      expect(
        active(unit),
        `${unit}:\n${inRoot(b, ['journalctl', '-u', unit, '--no-pager', '-n', '30'], { nothrow: true }).stdout}`,
      ).toBe('active');
    expect(inRoot(b, ['apache2ctl', '-M']).stdout).toContain('reqin_log_module');
  });

  it('runs each ja4 unit under its hardening (no new privileges, seccomp, capabilities as designed)', () => {
    const b = booted as Booted;
    const expected: Record<string, bigint> = { 'ja4-up': 0n, 'ja4-sentinel': NET_RAW };
    for (const [unit, caps] of Object.entries(expected)) {
      const show = inRoot(b, [
        'systemctl',
        'show',
        unit,
        '-p',
        'MainPID',
        '-p',
        'NoNewPrivileges',
        '-p',
        'User',
      ]).stdout;
      const props = Object.fromEntries(
        show
          .trim()
          .split('\n')
          .map((l) => l.split('=', 2) as [string, string]),
      );
      expect(props.NoNewPrivileges, unit).toBe('yes');
      expect(props.User, unit).toBe('ja4');
      const status = inRoot(b, ['cat', `/proc/${props.MainPID}/status`]).stdout;
      const field = (k: string) => (new RegExp(`^${k}:\\s*(\\S+)`, 'm').exec(status) ?? [])[1];
      expect(field('NoNewPrivs'), unit).toBe('1');
      expect(field('Seccomp'), unit).toBe('2');
      expect(BigInt(`0x${field('CapEff')}`), unit).toBe(caps);
      expect(BigInt(`0x${field('CapBnd')}`), unit).toBe(caps);
      expect(inRoot(b, ['id', '-un', (/^Uid:\s*(\d+)/m.exec(status) ?? [])[1]]).stdout.trim()).toBe('ja4');
    }
    const filter = inRoot(b, ['systemctl', 'show', 'ja4-sentinel', '-p', 'SystemCallFilter']).stdout;
    expect(filter).toMatch(/SystemCallFilter=\S+/);
  });

  it('carries HTTPS requests to that Apache into the dashboard with their JA4', async () => {
    const paths = ['/rpm-boot-1', '/rpm-boot-2'];
    for (const p of paths)
      expect(curl(['-k', '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1${p}`])).toBe('404');
    expect(login()).toContain('"role":"admin"');
    const found = await findRequests(paths);
    expect([...found.keys()].sort()).toEqual(paths);
    for (const ja4 of found.values()) expect(ja4).toMatch(JA4);
  });

  it('upgrades to a rebuilt release, keeping the edited ja4.yaml and the data', async () => {
    const b = booted as Booted;
    mkdirSync(join(root, 'root/rpms-v2'), { recursive: true });
    for (const f of v2.rpms) cpSync(f, join(root, 'root/rpms-v2', f.split('/').pop() as string));
    await timed('rpm_upgrade_s', () => {
      const names = v2.rpms.map((f) => `/root/rpms-v2/${f.split('/').pop()}`);
      inRoot(b, ['rpm', '--nodeps', '-U', ...names]);
    });
    expect(inRoot(b, ['rpm', '-q', '--qf', '%{RELEASE}', 'ja4-common']).stdout).toBe('2');
    expect(readFileSync(join(root, 'etc/ja4/ja4.yaml'), 'utf8')).toContain(EDIT);
    await unitsUp();
    for (const unit of UNITS) expect(active(unit), unit).toBe('active');
    // The requests of release 1 are still there, and a new one arrives through release 2.
    expect(
      curl(['-k', '-o', '/dev/null', '-w', '%{http_code}', 'https://127.0.0.1/rpm-boot-after-upgrade']),
    ).toBe('404');
    expect(login()).toContain('"role":"admin"');
    const found = await findRequests(['/rpm-boot-1', '/rpm-boot-2', '/rpm-boot-after-upgrade']);
    expect([...found.keys()].sort()).toEqual(['/rpm-boot-1', '/rpm-boot-2', '/rpm-boot-after-upgrade']);
    report('rpms', {
      ...times,
      rpm_mb: Object.fromEntries(
        v1.rpms.map((f) => [f.split('/').pop(), Math.round(fileSize(f) / 1e5) / 10]),
      ),
    });
  });
});

function spawnRpm(args: string[]) {
  return spawnSync('rpm', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
}
function spawnChroot(root: string, argv: string[]) {
  return spawnSync('chroot', [root, ...argv], { encoding: 'utf8', timeout: 120_000 });
}
function fileSize(f: string): number {
  return statSync(f).size;
}
