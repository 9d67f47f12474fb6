/**
 * The tests' Apache: the product's web host (appliance/web-host) with the test machine's
 * overrides (JA4_APACHE_BIN, JA4_APACHE_MODULES, TEST_KEEP_TMP) applied, on high loopback ports
 * in a temp dir. Shared by the module's integration tests and the e2e test.
 */
import {
  type ApacheOptions,
  type ApacheServer,
  apacheMissing as apacheMissingAt,
  buildModule as buildModuleIn,
  startApache as startWebHost,
} from '../../appliance/web-host/index.js';
import { APACHE, MODULE_DIR } from '../../scripts/lib/apache-host.js';
import { type AsanRun, asanRun } from './asan.js';

export {
  type ApacheOptions,
  type ApacheServer,
  freePort,
  type Mpm,
  STOCK_MODULES,
} from '../../appliance/web-host/index.js';
export { createLineSink, type LineSink } from '../../scripts/lib/line-sink.js';
export { type AsanRun, asanRun, hasAsanRuntime } from './asan.js';

export const APACHE_BIN = APACHE.httpd;
export const APACHE_MODULES = APACHE.modules;

/** Why Apache tests cannot run here, or null when apache2, its modules and apxs are present. */
export function apacheMissing(): string | null {
  return apacheMissingAt(APACHE);
}

/** Builds the module (`asan`: AddressSanitizer build; `profile`: reqin_profile.h); returns the .so path. */
export function buildModule(flavour: 'release' | 'asan' | 'profile' = 'release'): string {
  return buildModuleIn(MODULE_DIR, flavour);
}

/** Starts `apache2 -DFOREGROUND` with a config of its own in a fresh temp dir. */
export function startApache(o: ApacheOptions = {}): Promise<ApacheServer> {
  return startWebHost({ apache: APACHE, keepDir: Boolean(process.env.TEST_KEEP_TMP), ...o });
}

/**
 * Which builds of the module a suite runs: 'release' always, 'asan' too when libasan is usable
 * (the same tests again under -fsanitize=address). Says once on stderr what is skipped and why.
 */
export function moduleFlavours(): {
  missing: string | null;
  flavours: ('release' | 'asan')[];
  asan: AsanRun | undefined;
} {
  const missing = apacheMissing();
  if (missing) console.warn(`skipping mod_reqin_log tests: ${missing}`);
  const asan = missing ?? asanRun();
  if (typeof asan === 'string') console.warn(`skipping the ASan build of mod_reqin_log: ${asan}`);
  const usable = typeof asan === 'string' ? undefined : asan;
  return { missing, flavours: usable ? ['release', 'asan'] : ['release'], asan: usable };
}
