/**
 * Pure helpers for scripts/build-rpm.ts: version mapping, which node_modules ship, and the
 * rpmbuild command line. No I/O here, so each rule is unit-tested on its own.
 */

/** node_modules entries that make up the embedded ClickHouse engine (package ja4-chdb). */
export const CHDB_MODULES: readonly string[] = ['node_modules/chdb', 'node_modules/@chdb'];

/** The paths of the source tarball that are not the stage's (scripts/stage-app.ts). */
export const APP_FILES = {
  migrations: 'migrations',
  /** The module's main source: its presence decides whether ja4-mod-reqin-log is built. */
  moduleSource: 'appliance/mod_reqin_log/mod_reqin_log.c',
  /** The folder of the module's sources (the spec's %build compiles them there). */
  moduleDir: 'appliance/mod_reqin_log',
} as const;

/**
 * The entries of the module folder that go into the source tarball: its C sources and headers
 * (every one, so a new file cannot be forgotten here), not the build/ output, Makefile or docs.
 */
export function moduleSources(entries: readonly string[]): string[] {
  return entries.filter((name) => /^[\w.-]+\.[ch]$/.test(name)).sort();
}

/**
 * RPM's Version for a package.json semver. RPM forbids '-' in Version and sorts '~' before
 * anything (rpm-version(7)), so a semver pre-release maps to a tilde: 1.2.0-rc.1 -> 1.2.0~rc.1,
 * which sorts before 1.2.0 as semver says. Build metadata (+...) has no precedence in semver
 * (§10) and is dropped.
 */
export function rpmVersion(semver: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(semver.trim());
  if (!m) throw new Error(`not a semver version: ${JSON.stringify(semver)}`);
  const base = `${m[1]}.${m[2]}.${m[3]}`;
  return m[4] ? `${base}~${m[4].replaceAll('-', '_')}` : base;
}

export interface RpmbuildArgsInput {
  spec: string;
  topdir: string;
  sourcedir: string;
  rpmdir: string;
  version: string;
  release: string;
  withChdb: boolean;
  withModule: boolean;
  /** rpm's _binary_payload, e.g. w9T.zstdio; default: the distribution's. */
  payload?: string;
  /** The host's rpm database does not describe its packages (Debian): skip BuildRequires. */
  nodeps: boolean;
}

/** The rpmbuild argument vector (passed as an array: zx quotes each word). */
export function rpmbuildArgs(i: RpmbuildArgsInput): string[] {
  const define = (name: string, value: string) => ['--define', `${name} ${value}`];
  return [
    '-bb',
    i.spec,
    ...define('_topdir', i.topdir),
    ...define('_sourcedir', i.sourcedir),
    ...define('_rpmdir', i.rpmdir),
    ...define('_tmppath', `${i.topdir}/tmp`),
    // Flat dist/rpm/NAME-VERSION-RELEASE.ARCH.rpm instead of per-arch sub-directories.
    ...define('_build_name_fmt', '%%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm'),
    ...define('ja4_version', i.version),
    ...define('ja4_release', i.release),
    ...(i.payload ? define('_binary_payload', i.payload) : []),
    ...(i.withChdb ? [] : ['--without', 'chdb']),
    ...(i.withModule ? [] : ['--without', 'module']),
    ...(i.nodeps ? ['--nodeps'] : []),
  ];
}

/** The binary packages one build produces, in install order for a host with everything. */
export function expectedPackages(opts: { withChdb: boolean; withModule: boolean }): string[] {
  return [
    'ja4-common',
    'ja4-sentinel',
    'ja4-correlator',
    'ja4-analysis',
    ...(opts.withChdb ? ['ja4-chdb'] : []),
    ...(opts.withModule ? ['ja4-mod-reqin-log'] : []),
  ];
}

/** The first `npm error` lines of npm's stderr: the cause, without the usage text after it. */
export function npmErrors(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('npm error') && l.trim() !== 'npm error');
  return lines.slice(0, 6).join('; ') || stderr.trim().split('\n').slice(-3).join('; ');
}
