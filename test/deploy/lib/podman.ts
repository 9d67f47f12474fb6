import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PodmanContainer } from './podman-args.js';

/** podman, run to completion; throws with its stderr unless `nothrow`. */
export function podman(
  args: string[],
  opts: { input?: string | Buffer; nothrow?: boolean; timeoutMs?: number } = {},
) {
  const r = spawnSync('podman', args, {
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 600_000,
  });
  if (!opts.nothrow && r.status !== 0) {
    throw new Error(
      `podman ${args.slice(0, 3).join(' ')} … failed (exit ${r.status}): ${(r.stderr ?? '').trim().slice(-2000)}`,
    );
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Why podman cannot run here, or '' when it can (root, podman installed and answering). */
export function podmanUnavailable(): string {
  if (process.getuid?.() !== 0) return 'not root (the suite runs podman as root)';
  const r = spawnSync('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'], { encoding: 'utf8' });
  if (r.error) return 'podman is not installed (scripts/setup-system.sh installs it)';
  if (r.status !== 0) return `podman info failed: ${(r.stderr ?? '').trim().split('\n')[0]}`;
  return '';
}

/**
 * The provider's uploads, as it makes them: a tar stream of each file with its mode and owner,
 * unpacked into the created container before its first start.
 */
function upload(name: string, uploads: PodmanContainer['uploads']): void {
  for (const u of uploads) {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-upload-'));
    try {
      const rel = u.file.replace(/^\/+/, '');
      mkdirSync(join(dir, dirname(rel)), { recursive: true });
      writeFileSync(join(dir, rel), u.content);
      const tar = spawnSync(
        'tar',
        [
          '-c',
          `--owner=${u.owner}`,
          `--group=${u.group}`,
          `--mode=${u.permissions}`,
          '--numeric-owner',
          '-C',
          dir,
          rel,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      if (tar.status !== 0) throw new Error(`tar of ${u.file} failed: ${tar.stderr}`);
      podman(['cp', '-', `${name}:/`], { input: tar.stdout });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Health check state: 'healthy' once `podman healthcheck run` passes. */
function healthy(name: string): boolean {
  return podman(['healthcheck', 'run', name], { nothrow: true }).status === 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates, uploads into and starts one container; with `wait`, polls its health check as the
 * provider's wait does (no systemd timers here to run it) and fails with its last log lines.
 */
export async function startContainer(c: PodmanContainer): Promise<{ healthySeconds?: number }> {
  const started = Date.now();
  podman(['create', ...c.args]);
  upload(c.name, c.uploads);
  podman(['start', c.name]);
  if (!c.wait || !c.healthcheck) return {};
  const deadline = started + c.waitSeconds * 1000;
  while (Date.now() < deadline) {
    if (healthy(c.name)) return { healthySeconds: (Date.now() - started) / 1000 };
    const state = podman(['inspect', '--format', '{{.State.Status}}', c.name], {
      nothrow: true,
    }).stdout.trim();
    if (state === 'exited') break;
    await sleep(2000);
  }
  const logs = podman(['logs', '--tail', '30', c.name], { nothrow: true });
  throw new Error(
    `${c.name} did not become healthy within ${c.waitSeconds} s:\n${logs.stdout}${logs.stderr}`,
  );
}

/** Runs a command in a running container and returns its stdout. */
export function exec(name: string, argv: string[], opts: { user?: string } = {}): string {
  return podman(['exec', ...(opts.user ? ['--user', opts.user] : []), name, ...argv]).stdout;
}
