import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Who httpd's children serve as: a user, its primary group, and every group it is in. */
export interface RunAs {
  user: string;
  group: string;
  uid: number;
  gid: number;
  gids: number[];
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

const readLines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
};

function passwd(file: string): PasswdEntry[] {
  return readLines(file)
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4)
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }));
}

function groups(file: string): { name: string; gid: number; members: string[] }[] {
  return readLines(file)
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4)
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: f[3].split(',').filter(Boolean) }));
}

/** Debian's, then Red Hat's web server user, then the account every Unix has. */
const WEB_USERS = ['www-data', 'apache', 'nobody'];

/**
 * The identity httpd's children take when `ja4 up` runs as root (httpd refuses to serve as
 * root): web_host.user when set, else the user who ran sudo, else the distribution's web server
 * user. Null when not root: httpd cannot switch users then, and serves as the invoking user.
 */
export function runAsIdentity(
  configured: string,
  o: { uid?: number; sudoUser?: string; passwdFile?: string; groupFile?: string } = {},
): RunAs | null {
  const uid = o.uid ?? process.getuid?.() ?? -1;
  if (uid !== 0) return null;
  const users = passwd(o.passwdFile ?? '/etc/passwd');
  const sudo = o.sudoUser ?? process.env.SUDO_USER ?? '';
  const wanted =
    configured !== '' ? [configured] : [...(sudo && sudo !== 'root' ? [sudo] : []), ...WEB_USERS];
  const entry = wanted.map((n) => users.find((u) => u.name === n)).find(Boolean);
  if (!entry) return null;
  const all = groups(o.groupFile ?? '/etc/group');
  const primary = all.find((g) => g.gid === entry.gid);
  const gids = [entry.gid, ...all.filter((g) => g.members.includes(entry.name)).map((g) => g.gid)];
  return { user: entry.name, group: primary?.name ?? `#${entry.gid}`, uid: entry.uid, gid: entry.gid, gids };
}

/** Whether `who` may search (x) or read (r) a file with this mode and owner, by the Unix rules. */
function allowed(st: { mode: number; uid: number; gid: number }, who: RunAs, bit: 1 | 4): boolean {
  if (st.uid === who.uid) return (st.mode & (bit << 6)) !== 0;
  if (who.gids.includes(st.gid)) return (st.mode & (bit << 3)) !== 0;
  return (st.mode & bit) !== 0;
}

/**
 * The first directory on the way to `target` that `who` cannot enter, or null when every one
 * from / down is searchable: a socket or document under /root (0700) is out of www-data's reach
 * whatever its own mode.
 */
export function blockedDirectory(target: string, who: RunAs): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  const dirs = [path.sep, ...parts.map((_p, i) => path.join(path.sep, ...parts.slice(0, i + 1)))];
  for (const dir of dirs) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(dir);
    } catch {
      return null; // created later by its owner, with the mode set then
    }
    if (!st.isDirectory()) return null;
    if (!allowed(st, who, 1)) return dir;
  }
  return null;
}
