/**
 * `npm run rpm`: builds the appliance's RPMs into dist/rpm/ with rpmbuild (rpm/ja4.spec).
 *
 *   1. compile the TypeScript (npm run build -> dist/)
 *   2. stage Source0: dist/appliance, bin/ja4.js, package.json, migrations, the dashboard's web
 *      assets when built, the mod_reqin_log sources (*.c, *.h) and rpm/
 *   3. stage Source1: production node_modules, by `npm ci --omit=dev` in a clean directory
 *      (default; native addons are built for this host) or by copying the production subset of
 *      ./node_modules (--modules copy: offline, used by the tests)
 *   4. rpmbuild -bb
 *
 * Flags: --app-version X.Y.Z  --release N  --out DIR  --modules ci|copy  --without-chdb
 *        --without-module  --no-compile  --dist DIR  --payload w9T.zstdio  --keep-work
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { $, fs } from 'zx';
import {
  APP_FILES,
  CHDB_MODULES,
  expectedPackages,
  moduleSources,
  npmErrors,
  rpmbuildArgs,
  rpmVersion,
  selectModules,
} from './lib/rpm-layout.js';

export interface BuildRpmOptions {
  /** Repository root. */
  root: string;
  /** Where the .rpm files go (default <root>/dist/rpm). */
  outDir: string;
  /** package.json's version unless given (semver; mapped with rpmVersion). */
  appVersion?: string;
  release: string;
  /** Run `npm run build` into a fresh directory; otherwise `distDir` must hold the compiled tree. */
  compile: boolean;
  /** tsc's output directory when `compile` is off (default <root>/dist). */
  distDir: string;
  modules: 'ci' | 'copy';
  withChdb: boolean;
  /** Build ja4-mod-reqin-log; default: when the module source exists. */
  withModule?: boolean;
  payload?: string;
  /** The spec and its assets (default <root>/rpm). */
  rpmDir: string;
  keepWork: boolean;
  log: (line: string) => void;
}

export interface BuildRpmResult {
  version: string;
  release: string;
  rpms: string[];
  withModule: boolean;
  withChdb: boolean;
  seconds: number;
}

export class BuildRpmError extends Error {
  readonly code = 'JA4_ERR_BUILD_RPM';
}

function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new BuildRpmError(message);
}

export function defaultOptions(root: string, over: Partial<BuildRpmOptions> = {}): BuildRpmOptions {
  return {
    root,
    outDir: join(root, 'dist/rpm'),
    release: '1',
    compile: true,
    distDir: join(root, 'dist'),
    modules: 'ci',
    withChdb: true,
    rpmDir: join(root, 'rpm'),
    keepWork: false,
    log: (line) => process.stdout.write(`build-rpm: ${line}\n`),
    ...over,
  };
}

/** The semver to package: the override, else package.json's "version". */
export function appVersionOf(opts: Pick<BuildRpmOptions, 'root' | 'appVersion'>): string {
  if (opts.appVersion) return opts.appVersion;
  return (JSON.parse(readFileSync(join(opts.root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Whether this host's rpm database knows its own packages (an RPM distribution). */
export async function isRpmHost(): Promise<boolean> {
  const r = await $({ quiet: true, nothrow: true })`rpm -q glibc`;
  return r.exitCode === 0;
}

/** Source0: the application tree, as the spec's %install expects it. */
export async function stageSources(opts: BuildRpmOptions, semver: string, dest: string): Promise<void> {
  const { root } = opts;
  mkdirSync(join(dest, 'bin'), { recursive: true });
  await fs.copy(join(root, APP_FILES.cli), join(dest, APP_FILES.cli));
  await fs.copy(join(opts.distDir, 'appliance'), join(dest, 'dist/appliance'));
  // `ja4 up` seeds demo data with the seeding script's generators (scripts/lib), so the compiled
  // scripts ship too.
  if (existsSync(join(opts.distDir, 'scripts'))) {
    await fs.copy(join(opts.distDir, 'scripts'), join(dest, 'dist/scripts'));
  }
  await fs.copy(join(root, APP_FILES.migrations), join(dest, APP_FILES.migrations));
  if (existsSync(join(root, APP_FILES.webDist))) {
    await fs.copy(join(root, APP_FILES.webDist), join(dest, APP_FILES.webDist));
  }
  if (existsSync(join(root, APP_FILES.moduleSource))) {
    mkdirSync(join(dest, APP_FILES.moduleDir), { recursive: true });
    for (const name of moduleSources(readdirSync(join(root, APP_FILES.moduleDir)))) {
      await fs.copy(join(root, APP_FILES.moduleDir, name), join(dest, APP_FILES.moduleDir, name));
    }
  }
  await fs.copy(opts.rpmDir, join(dest, 'rpm'));
  // The packaged package.json carries the packaged version: `ja4 --version` and the dashboard
  // footer then match the RPM (APPLIANCE_VERSION reads it).
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  pkg.version = semver;
  writeFileSync(join(dest, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Source1: production node_modules under `dest`/node_modules. */
export async function stageModules(opts: BuildRpmOptions, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  if (opts.modules === 'ci') {
    await fs.copy(join(opts.root, 'package.json'), join(dest, 'package.json'));
    await fs.copy(join(opts.root, 'package-lock.json'), join(dest, 'package-lock.json'));
    // The postinstall patches cap (pcap_stats, capture timestamps) and rebuilds it for this host.
    await fs.copy(join(opts.root, 'patches'), join(dest, 'patches'));
    await fs.copy(join(opts.root, 'scripts/patch-cap.mjs'), join(dest, 'scripts/patch-cap.mjs'));
    // Native addons (cap against libpcap, chDB's prebuilt engine) come out built for this host.
    const npm = $({ cwd: dest, quiet: true, nothrow: true });
    let ci = await npm`npm ci --omit=dev --prefer-offline --no-audit --no-fund`;
    // npm 11 records only this platform's optional binaries (biome, chDB) in the lock and then
    // refuses it in `npm ci` (EUSAGE, "Missing: … from lock file"): install from the same lock.
    if (ci.exitCode !== 0 && /EUSAGE/.test(ci.stderr)) {
      ci = await npm`npm install --omit=dev --prefer-offline --no-audit --no-fund`;
    }
    check(ci.exitCode === 0, `npm ci --omit=dev failed (exit ${ci.exitCode}): ${npmErrors(ci.stderr)}`);
    if (!opts.withChdb) {
      for (const m of CHDB_MODULES) await fs.remove(join(dest, m));
    }
    return;
  }
  const listed = await $({ cwd: opts.root, quiet: true, nothrow: true })`npm ls --omit=dev --all --parseable`;
  const paths = selectModules(listed.stdout, opts.root, { withChdb: opts.withChdb });
  check(paths.length > 0, `npm ls found no production modules in ${opts.root} (run npm ci first)`);
  // One cp per destination directory (node_modules, node_modules/@scope) rather than per package.
  const byParent = new Map<string, string[]>();
  for (const rel of paths) byParent.set(dirname(rel), [...(byParent.get(dirname(rel)) ?? []), rel]);
  for (const [parent, rels] of byParent) {
    mkdirSync(join(dest, parent), { recursive: true });
    await $({ quiet: true })`cp -a ${rels.map((r) => join(opts.root, r))} ${join(dest, parent)}/`;
  }
}

/** Runs every step; returns the RPMs written to opts.outDir. */
export async function buildRpms(opts: BuildRpmOptions): Promise<BuildRpmResult> {
  const started = Date.now();
  const semver = appVersionOf(opts);
  const version = rpmVersion(semver);
  const { release } = opts;
  check(/^[0-9A-Za-z._+]+$/.test(release), `--release must be letters, digits, . _ + (got ${release})`);
  const withModule = opts.withModule ?? existsSync(join(opts.root, APP_FILES.moduleSource));
  const rpmbuild = await $({ quiet: true, nothrow: true })`command -v rpmbuild`;
  check(rpmbuild.exitCode === 0, 'rpmbuild not found: run scripts/setup-system.sh (package rpm / rpm-build)');
  check(existsSync(join(opts.rpmDir, 'ja4.spec')), `no ja4.spec in ${opts.rpmDir}`);
  if (withModule) {
    check(existsSync(join(opts.root, APP_FILES.moduleSource)), `no ${APP_FILES.moduleSource} to build`);
  } else {
    opts.log(`${APP_FILES.moduleSource} absent or disabled: ja4-mod-reqin-log is not built`);
  }

  const work = mkdtempSync(join(tmpdir(), 'ja4-rpm-'));
  try {
    // Compile into a fresh directory: a reused dist/ keeps the output of deleted sources.
    const distDir = opts.compile ? join(work, 'js') : opts.distDir;
    if (opts.compile) {
      opts.log('compiling TypeScript (npm run build)');
      const tsc = await $({
        cwd: opts.root,
        quiet: true,
        nothrow: true,
      })`npm run build -- --outDir ${distDir}`;
      check(
        tsc.exitCode === 0,
        `npm run build failed:\n${tsc.stdout.trim().split('\n').slice(-15).join('\n')}`,
      );
    }
    check(
      existsSync(join(distDir, 'appliance/cli/main.js')),
      `${distDir}/appliance/cli/main.js missing: run npm run build (or drop --no-compile)`,
    );
    const sources = join(work, 'SOURCES');
    mkdirSync(sources, { recursive: true });
    const tree = `ja4-platform-${version}`;
    opts.log(`staging ${tree} (JavaScript, CLI, migrations, module source, rpm/)`);
    await stageSources({ ...opts, distDir }, semver, join(work, 'src', tree));
    await $({ quiet: true })`tar -cf ${join(sources, `${tree}.tar`)} -C ${join(work, 'src')} ${tree}`;

    opts.log(`staging production node_modules (${opts.modules}${opts.withChdb ? '' : ', without chDB'})`);
    await stageModules(opts, join(work, 'modules'));
    await $({
      quiet: true,
    })`tar -cf ${join(sources, `ja4-node-modules-${version}.tar`)} -C ${join(work, 'modules')} node_modules`;

    const nodeps = !(await isRpmHost());
    if (nodeps) {
      opts.log('this host is not an RPM distribution: BuildRequires not checked (--nodeps)');
      opts.log('the native addons target THIS host; build release RPMs on the target distribution');
    }
    mkdirSync(opts.outDir, { recursive: true });
    const args = rpmbuildArgs({
      spec: join(opts.rpmDir, 'ja4.spec'),
      topdir: join(work, 'rpmbuild'),
      sourcedir: sources,
      rpmdir: opts.outDir,
      version,
      release,
      withChdb: opts.withChdb,
      withModule,
      payload: opts.payload,
      nodeps,
    });
    opts.log(`rpmbuild ${version}-${release}`);
    const built = await $({ quiet: true, nothrow: true })`rpmbuild ${args}`;
    check(built.exitCode === 0, `rpmbuild failed (exit ${built.exitCode}):\n${built.stderr.slice(-4000)}`);
  } finally {
    if (opts.keepWork) opts.log(`work directory kept: ${work}`);
    else await fs.remove(work);
  }

  const suffix = `-${version}-${release}.`;
  const rpms = readdirSync(opts.outDir)
    .filter((f) => f.endsWith('.rpm') && f.includes(suffix))
    .map((f) => join(opts.outDir, f));
  for (const name of expectedPackages({ withChdb: opts.withChdb, withModule })) {
    check(
      rpms.some((p) => p.includes(`/${name}${suffix}`)),
      `rpmbuild produced no ${name}${suffix}*.rpm`,
    );
  }
  return {
    version,
    release,
    rpms,
    withModule,
    withChdb: opts.withChdb,
    seconds: (Date.now() - started) / 1000,
  };
}

export function parseCli(argv: string[], root: string): BuildRpmOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'app-version': { type: 'string' },
      release: { type: 'string' },
      out: { type: 'string' },
      modules: { type: 'string' },
      'without-chdb': { type: 'boolean' },
      'without-module': { type: 'boolean' },
      'no-compile': { type: 'boolean' },
      dist: { type: 'string' },
      payload: { type: 'string' },
      'keep-work': { type: 'boolean' },
    },
  });
  const modules = values.modules ?? 'ci';
  check(modules === 'ci' || modules === 'copy', `--modules must be ci or copy (got ${modules})`);
  return defaultOptions(root, {
    appVersion: values['app-version'],
    release: values.release ?? '1',
    outDir: values.out ? resolve(values.out) : join(root, 'dist/rpm'),
    modules,
    withChdb: !values['without-chdb'],
    withModule: values['without-module'] ? false : undefined,
    compile: !values['no-compile'],
    distDir: values.dist ? resolve(values.dist) : join(root, 'dist'),
    payload: values.payload,
    keepWork: values['keep-work'] ?? false,
  });
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const opts = parseCli(process.argv.slice(2), root.replace(/\/$/, ''));
  const result = await buildRpms(opts);
  opts.log(`built ${result.rpms.length} RPMs in ${result.seconds.toFixed(1)} s:`);
  for (const rpm of result.rpms) {
    opts.log(`  ${rpm}  ${(statSync(rpm).size / 1_048_576).toFixed(1)} MiB`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`build-rpm: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
