import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A Debian root with systemd to install the RPMs into and boot with systemd-nspawn: debootstrap
 * (minbase plus systemd, Apache, libpcap, rpm) cached as a tarball keyed by its package list and
 * this file, unpacked afresh for each run; this host's Node stands in for the nodejs package.
 */

export const CACHE = process.env.JA4_DEPLOY_CACHE ?? '/var/cache/ja4-deploy';
const MIRROR = process.env.JA4_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
export const ROOT_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'apache2',
  'ssl-cert',
  'libpcap0.8',
  'curl',
  'ca-certificates',
  'openssl',
  'rpm',
  'passwd',
  'procps',
];

function sh(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 900_000 });
  if (r.status !== 0)
    throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
  return r.stdout;
}

/** Why a root cannot be booted here, or ''. */
export function bootUnavailable(): string {
  if (process.getuid?.() !== 0) return 'not root (debootstrap, rpm --root and systemd-nspawn need it)';
  for (const tool of ['debootstrap', 'systemd-nspawn', 'nsenter', 'rpm', 'rpmbuild']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} is not installed (scripts/setup-system.sh installs it)`;
    }
  }
  return '';
}

/** The cached root tarball, made when absent; returns its path and whether it was made now. */
export function rootTarball(): { tarball: string; made: boolean } {
  const key = createHash('sha256')
    .update(readFileSync(new URL(import.meta.url)))
    .update(ROOT_PACKAGES.join(','))
    .update(MIRROR)
    .digest('hex')
    .slice(0, 16);
  const tarball = join(CACHE, `boot-root-${key}.tar`);
  if (existsSync(tarball)) return { tarball, made: false };
  mkdirSync(join(CACHE, 'debs'), { recursive: true });
  const dir = join(CACHE, `boot-root-${key}.tmp`);
  sh('rm', ['-rf', dir], 'rm');
  sh(
    'debootstrap',
    [
      '--variant=minbase',
      `--cache-dir=${join(CACHE, 'debs')}`,
      `--include=${ROOT_PACKAGES.join(',')}`,
      'bookworm',
      dir,
      MIRROR,
    ],
    'debootstrap',
  );
  sh('rm', ['-rf', `${dir}/var/lib/apt/lists`, `${dir}/var/cache/apt/archives`], 'rm');
  sh('tar', ['-cf', `${tarball}.part`, '-C', dir, '.'], 'tar');
  renameSync(`${tarball}.part`, tarball);
  sh('rm', ['-rf', dir], 'rm');
  return { tarball, made: true };
}

/** Unpacks the root into `dir` and puts this host's node where the nodejs package would. */
export function unpackRoot(tarball: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  sh('tar', ['-xf', tarball, '-C', dir], 'tar -x');
  cpSync(process.execPath, join(dir, 'usr/bin/node'));
}

/** A booted root: systemd as PID 1 in its own namespaces, no network but its loopback. */
export interface Booted {
  nspawn: ChildProcess;
  /** The host PID of the root's systemd, for nsenter. */
  leader: number;
  log: () => string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Boots `dir` with systemd-nspawn and waits until systemd says the system is up. */
export async function boot(dir: string, timeoutMs = 120_000): Promise<Booted> {
  let output = '';
  const nspawn = spawn(
    'systemd-nspawn',
    ['-q', '-D', dir, '-b', '--keep-unit', '--register=no', '--private-network', '--console=pipe'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  nspawn.stdout?.on('data', (d) => {
    output += d;
  });
  nspawn.stderr?.on('data', (d) => {
    output += d;
  });
  const deadline = Date.now() + timeoutMs;
  let leader = 0;
  while (Date.now() < deadline) {
    if (nspawn.exitCode !== null)
      throw new Error(`systemd-nspawn exited ${nspawn.exitCode}:\n${output.slice(-3000)}`);
    leader ||=
      childrenOf(nspawn.pid ?? 0).find((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'systemd') ??
      0;
    if (leader) {
      const state = spawnSync('nsenter', ['-t', String(leader), '-a', 'systemctl', 'is-system-running'], {
        encoding: 'utf8',
      }).stdout.trim();
      if (state === 'running' || state === 'degraded') return { nspawn, leader, log: () => output };
    }
    await sleep(1000);
  }
  nspawn.kill('SIGKILL');
  throw new Error(`the root did not boot within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`);
}

/** A command inside the booted root (all its namespaces). */
export function inRoot(b: Booted, argv: string[], opts: { nothrow?: boolean } = {}) {
  const r = spawnSync('nsenter', ['-t', String(b.leader), '-a', ...argv], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  if (!opts.nothrow && r.status !== 0) {
    throw new Error(
      `${argv.join(' ')} in the root failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`,
    );
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A host command in the root's network namespace only (the host's curl against its loopback). */
export function inRootNet(b: Booted, argv: string[]) {
  return spawnSync('nsenter', ['-t', String(b.leader), '-n', ...argv], { encoding: 'utf8', timeout: 60_000 });
}

/** Powers the root off (SIGTERM makes nspawn ask systemd to), then makes sure it is gone. */
export async function shutdown(b: Booted): Promise<void> {
  if (b.nspawn.exitCode !== null) return;
  b.nspawn.kill('SIGTERM');
  for (let i = 0; i < 60 && b.nspawn.exitCode === null; i++) await sleep(500);
  if (b.nspawn.exitCode === null) b.nspawn.kill('SIGKILL');
}

/** The RPM files of one build directory. */
export function rpmsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rpm'))
    .map((f) => join(dir, f));
}
