import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never throws (the caller asserts on status). */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function has(cmd: string): boolean {
  return run('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** `rpm -qp <args> <file>`; Debian's rpm warns on stderr about not being dpkg, so only stdout. */
export function rpmQuery(file: string, ...args: string[]): string {
  const r = run('rpm', ['-qp', ...args, file]);
  if (r.status !== 0) throw new Error(`rpm -qp ${args.join(' ')} ${file}: ${r.stderr}`);
  return r.stdout;
}

export function rpmFiles(file: string): string[] {
  return rpmQuery(file, '-l').split('\n').filter(Boolean);
}

export function rpmRequires(file: string): string[] {
  return rpmQuery(file, '-R')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Per file: path -> { flags (c = config, n = noreplace), owner user:group, mode string }. */
export function rpmFileMeta(file: string): Map<string, { flags: string; owner: string; mode: string }> {
  const out = rpmQuery(
    file,
    '--qf',
    '[%{FILENAMES}\t%{FILEFLAGS:fflags}\t%{FILEUSERNAME}:%{FILEGROUPNAME}\t%{FILEMODES:perms}\n]',
  );
  const meta = new Map<string, { flags: string; owner: string; mode: string }>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [path, flags, owner, mode] = line.split('\t');
    meta.set(path, { flags, owner, mode });
  }
  return meta;
}

/** A systemd unit as section -> key -> values (a key may repeat). */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/**
 * A PATH holding only stub commands that append their argv to `log`; `getent` answers with
 * the exit code in $GETENT_STATUS (0 = the user or group exists, 2 = it does not). With
 * nothing else on PATH, a scriptlet cannot reach the real useradd of this machine.
 */
export function stubPath(dir: string, log: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of ['groupadd', 'useradd', 'usermod', 'gpasswd', 'systemctl', 'systemd-tmpfiles']) {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\necho "${name} $*" >> "${log}"\n`);
    chmodSync(p, 0o755);
  }
  const getent = join(dir, 'getent');
  writeFileSync(getent, `#!/bin/sh\necho "getent $*" >> "${log}"\nexit "\${GETENT_STATUS:-2}"\n`);
  chmodSync(getent, 0o755);
  return dir;
}

/**
 * The smallest httpd.conf that loads Debian's MPM and authz modules, then includes the packaged
 * snippet; `serverRoot` is where its relative `modules/mod_reqin_log.so` resolves.
 */
export function apacheTestConf(serverRoot: string, runDir: string, snippet: string): string {
  const mods = '/usr/lib/apache2/modules';
  return [
    `ServerRoot "${serverRoot}"`,
    `LoadModule mpm_event_module ${mods}/mod_mpm_event.so`,
    `LoadModule authz_core_module ${mods}/mod_authz_core.so`,
    `LoadModule authz_host_module ${mods}/mod_authz_host.so`,
    `DefaultRuntimeDir "${runDir}"`,
    `PidFile "${runDir}/httpd.pid"`,
    `ErrorLog "${runDir}/error.log"`,
    'Listen 127.0.0.1:18999',
    `Include "${snippet}"`,
    '',
  ].join('\n');
}
