import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the host's Apache lives. */
export interface ApacheLocations {
  /** The httpd binary: apache2 on Debian, httpd on Red Hat. */
  httpd: string;
  /** The directory of its loadable modules (mod_ssl.so, mod_remoteip.so, the MPMs). */
  modules: string;
}

/** Debian's layout first, then Red Hat's; the first that exists wins. */
const HTTPD_CANDIDATES = ['/usr/sbin/apache2', '/usr/sbin/httpd'];
const MODULES_CANDIDATES = ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules', '/usr/lib/httpd/modules'];

const firstExisting = (candidates: readonly string[]): string =>
  candidates.find((p) => existsSync(p)) ?? candidates[0];

/**
 * Finds httpd and its modules directory. An explicit path wins over the search; when nothing is
 * found the Debian path is returned, so `apacheMissing` names what to install.
 */
export function locateApache(given: Partial<ApacheLocations> = {}): ApacheLocations {
  return {
    httpd: given.httpd || firstExisting(HTTPD_CANDIDATES),
    modules: given.modules || firstExisting(MODULES_CANDIDATES),
  };
}

/** Why an Apache cannot be run and the module built here, or null when httpd, mod_ssl and apxs are present. */
export function apacheMissing(at: ApacheLocations): string | null {
  if (!existsSync(at.httpd))
    return `${at.httpd} not found (install apache2 or httpd; scripts/setup-system.sh does on Debian)`;
  if (!existsSync(join(at.modules, 'mod_ssl.so'))) return `mod_ssl.so not in ${at.modules}`;
  try {
    execFileSync('apxs', ['-q', 'CC'], { stdio: 'ignore' });
  } catch {
    return 'apxs not found (install apache2-dev or httpd-devel)';
  }
  return null;
}

/**
 * The folder of mod_reqin_log's sources (its Makefile), searched upwards from this file so that
 * both the TypeScript sources and the compiled dist/ find it in a checkout; null in an install
 * that ships only the built module.
 */
export function moduleSourceDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'appliance', 'mod_reqin_log');
    if (existsSync(join(candidate, 'Makefile'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
