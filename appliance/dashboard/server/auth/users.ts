import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
 */
export async function openUserStore(
  cfg: Config['dashboard'],
): Promise<{ store: UserStore; firstAdmin?: FirstAdmin }> {
  mkdirSync(cfg.state_dir, { recursive: true, mode: 0o700 });
  const file = join(cfg.state_dir, USERS_FILE);
  let stored: User[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as User[]) : [];
  let firstAdmin: FirstAdmin | undefined;
  if (cfg.users.length === 0 && stored.length === 0) {
    const generated = cfg.admin_password === '' ? generatePassword() : undefined;
    const password = cfg.admin_password || (generated as string);
    stored = [{ username: 'admin', password_hash: await hashPassword(password), role: 'admin' }];
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    firstAdmin = { username: 'admin', generatedPassword: generated };
  }
  const users = [...cfg.users, ...stored.filter((s) => !cfg.users.some((c) => c.username === s.username))];
  // A fixed dummy hash keeps the time of a login for an unknown user close to a known one.
  const dummy = await hashPassword(generatePassword());
  return {
    firstAdmin,
    store: {
      list: () => users.map((u) => ({ ...u })),
      async verify(username, password) {
        const user = users.find((u) => u.username === username);
        const ok = await verifyPassword(password, user?.password_hash ?? dummy);
        return ok && user ? user : undefined;
      },
    },
  };
}
