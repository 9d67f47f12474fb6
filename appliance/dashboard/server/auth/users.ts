import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../../common/index.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export interface User {
  username: string;
  password_hash: string;
  role: 'admin' | 'analyst';
}

export interface UserStore {
  verify(username: string, password: string): Promise<User | undefined>;
  list(): User[];
  /**
   * Sets the password of a user kept in users.json; 'config' when the user is defined in
   * dashboard.users (its hash lives in the config file), 'unknown' when there is no such user.
   */
  setPassword(username: string, password: string): Promise<'ok' | 'config' | 'unknown'>;
}

/** The outcome of first-run admin creation, so the caller can print the password once. */
export interface FirstAdmin {
  username: string;
  /** Present only when the password was generated (not taken from the config/environment). */
  generatedPassword?: string;
}

const USERS_FILE = 'users.json';

/**
 * Local users: those in the config (dashboard.users) plus those in <state_dir>/users.json.
 * On first run, when neither has a user, an `admin` is created with dashboard.admin_password
 * (JA4_DASHBOARD_ADMIN_PASSWORD) or a generated password that the caller prints once.
 * users.json is re-read when it changes, so a password changed through one replica works in all.
 */
export async function openUserStore(
  cfg: Config['dashboard'],
): Promise<{ store: UserStore; firstAdmin?: FirstAdmin }> {
  mkdirSync(cfg.state_dir, { recursive: true, mode: 0o700 });
  const file = join(cfg.state_dir, USERS_FILE);
  let firstAdmin: FirstAdmin | undefined;
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as User[]) : [];
  if (cfg.users.length === 0 && existing.length === 0) {
    const generated = cfg.admin_password === '' ? generatePassword() : undefined;
    const password = cfg.admin_password || (generated as string);
    writeUsers(file, [{ username: 'admin', password_hash: await hashPassword(password), role: 'admin' }]);
    firstAdmin = { username: 'admin', generatedPassword: generated };
  }
  const fileUsers = watchedUsers(file);
  const users = () => {
    const stored = fileUsers();
    return [...cfg.users, ...stored.filter((s) => !cfg.users.some((c) => c.username === s.username))];
  };
  // A fixed dummy hash keeps the time of a login for an unknown user close to a known one.
  const dummy = await hashPassword(generatePassword());
  return {
    firstAdmin,
    store: {
      list: () => users().map((u) => ({ ...u })),
      async verify(username, password) {
        const user = users().find((u) => u.username === username);
        const ok = await verifyPassword(password, user?.password_hash ?? dummy);
        return ok && user ? user : undefined;
      },
      async setPassword(username, password) {
        if (cfg.users.some((u) => u.username === username)) return 'config';
        const hash = await hashPassword(password);
        const stored = fileUsers();
        const user = stored.find((u) => u.username === username);
        if (!user) return 'unknown';
        writeUsers(
          file,
          stored.map((u) => (u === user ? { ...u, password_hash: hash } : u)),
        );
        return 'ok';
      },
    },
  };
}

/** The users of `file`, re-read whenever its size or modification time changes. */
function watchedUsers(file: string): () => User[] {
  let stamp = '';
  let users: User[] = [];
  return () => {
    let now = '';
    try {
      const st = statSync(file);
      now = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      now = 'absent';
    }
    if (now !== stamp) {
      users = now === 'absent' ? [] : (JSON.parse(readFileSync(file, 'utf8')) as User[]);
      stamp = now;
    }
    return users;
  };
}

/** Replaces users.json atomically (write, then rename), readable by its owner only. */
function writeUsers(file: string, users: User[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(users, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}
