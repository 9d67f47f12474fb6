import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './schema.js';

/**
 * Secret tokens that are generated on first run when the config leaves them empty (the detector
 * API token), kept in a state directory so a restart, and the other services on the same host,
 * find the same value.
 */

/** The file holding the generated detector API token when detector.api_token is empty. */
export function detectorTokenFile(detector: Pick<Config['detector'], 'state_dir'>): string {
  return join(detector.state_dir, 'api.token');
}

/** The token in `file`, or undefined when the file does not exist (or is empty). */
export function readSecretFile(file: string): string | undefined {
  try {
    const value = readFileSync(file, 'utf8').trim();
    return value === '' ? undefined : value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The token in `file`, created (32 random bytes, base64url, mode 0600 in a 0700 directory) when
 * absent. The file appears complete or not at all (written aside, then hard-linked into place),
 * and when two processes race, both end up with the one that was linked first.
 */
export function ensureSecretFile(file: string): string {
  const existing = readSecretFile(file);
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readSecretFile(file) as string;
}

/**
 * The detector API token: detector.api_token when set, else the generated one in
 * `<detector.state_dir>/api.token` (created when `create`, otherwise undefined until the detector
 * has made it).
 */
export function resolveDetectorToken(
  detector: Pick<Config['detector'], 'api_token' | 'state_dir'>,
  opts: { create: boolean },
): string | undefined {
  if (detector.api_token !== '') return detector.api_token;
  const file = detectorTokenFile(detector);
  return opts.create ? ensureSecretFile(file) : readSecretFile(file);
}

/**
 * True when an Authorization header is `Bearer <token>` (RFC 6750 §2.1). Compared as SHA-256
 * digests in constant time, so neither the length nor a prefix of the token leaks through timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (token === '' || typeof header !== 'string') return false;
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}
