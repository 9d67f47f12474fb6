/**
 * `npm run rpm`: builds the appliance's RPMs into dist/rpm/ with rpmbuild (rpm/ja4.spec).
 *
 *   1. stage the appliance (scripts/stage-app.ts, the same stage the container image packages:
 *      compiled JavaScript, the dashboard bundle, production node_modules by `npm ci --omit=dev`
 *      from the lock with cap patched and built for this host), or take one given with --stage
 *   2. Source0: the stage without node_modules, the packaged package.json, the mod_reqin_log
 *      sources (*.c, *.h) and rpm/; Source1: the stage's node_modules
 *   3. rpmbuild -bb
 *
 * Flags: --app-version X.Y.Z  --release N  --out DIR  --stage DIR  --without-chdb
 *        --without-module  --payload w9T.zstdio  --keep-work
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
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { $, fs } from 'zx';
import {
  APP_FILES,
  CHDB_MODULES,
  expectedPackages,
  moduleSources,
  rpmbuildArgs,
  rpmVersion,
} from './lib/rpm-layout.js';
import { stageApp, WEB_BUNDLE } from './stage-app.js';

export interface BuildRpmOptions {
  /** Repository root. */
  root: string;
  /** Where the .rpm files go (default <root>/dist/rpm). */
  outDir: string;
  /** package.json's version unless given (semver; mapped with rpmVersion). */
  appVersion?: string;
  release: string;
  /** A stage made by scripts/stage-app.ts to package; default: stage afresh into the work dir. */
  stageDir?: string;
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

/** Source0: the stage without node_modules, plus the module sources and rpm/, as %install expects. */
export async function stageSources(
  opts: BuildRpmOptions,
  stage: string,
  semver: string,
  dest: string,
): Promise<void> {
  const { root } = opts;
  check(
    existsSync(join(stage, WEB_BUNDLE, 'index.html')),
    `${stage} has no dashboard bundle (${WEB_BUNDLE}): stage with scripts/stage-app.ts`,
  );
  mkdirSync(dest, { recursive: true });
  for (const part of ['bin', 'dist', APP_FILES.migrations]) {
    await fs.copy(join(stage, part), join(dest, part));
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
  const pkg = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as Record<string, unknown>;
  pkg.version = semver;
  writeFileSync(join(dest, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Source1: the stage's production node_modules (without chDB when it is left out). */
export async function modulesTar(opts: BuildRpmOptions, stage: string, tarFile: string): Promise<void> {
  check(
    existsSync(join(stage, 'node_modules')),
    `${stage} has no node_modules: stage with scripts/stage-app.ts`,
  );
  const excludes = opts.withChdb ? [] : CHDB_MODULES.map((m) => `--exclude=./${m}`);
  await $({ quiet: true })`tar -cf ${tarFile} -C ${stage} ${excludes} ./node_modules`;
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
    let stage = opts.stageDir;
    if (!stage) {
      stage = join(work, 'stage');
      opts.log('staging the appliance (scripts/stage-app.ts)');
      await stageApp({ root: opts.root, dest: stage, log: opts.log });
    }
    const sources = join(work, 'SOURCES');
    mkdirSync(sources, { recursive: true });
    const tree = `ja4-platform-${version}`;
    opts.log(`packing ${tree} (JavaScript, CLI, migrations, dashboard bundle, module source, rpm/)`);
    await stageSources(opts, stage, semver, join(work, 'src', tree));
    await $({ quiet: true })`tar -cf ${join(sources, `${tree}.tar`)} -C ${join(work, 'src')} ${tree}`;
    opts.log(`packing production node_modules${opts.withChdb ? '' : ' (without chDB)'}`);
    await modulesTar(opts, stage, join(sources, `ja4-node-modules-${version}.tar`));

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
      stage: { type: 'string' },
      'without-chdb': { type: 'boolean' },
      'without-module': { type: 'boolean' },
      payload: { type: 'string' },
      'keep-work': { type: 'boolean' },
    },
  });
  return defaultOptions(root, {
    appVersion: values['app-version'],
    release: values.release ?? '1',
    outDir: values.out ? resolve(values.out) : join(root, 'dist/rpm'),
    stageDir: values.stage ? resolve(values.stage) : undefined,
    withChdb: !values['without-chdb'],
    withModule: values['without-module'] ? false : undefined,
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
