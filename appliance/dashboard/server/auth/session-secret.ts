import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that signs session cookies: dashboard.session_secret when set (replicas must share
 * it), else a random key kept in <state_dir>/session.key (0600) so a restart keeps sessions.
 */
export function sessionSecret(configured: string, stateDir: string): Buffer {
  if (configured !== '') return Buffer.from(configured, 'utf8');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, 'session.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}
