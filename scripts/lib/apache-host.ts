/**
 * The Apache the benchmarks and tests run: the product's web host (appliance/web-host) located
 * with this machine's overrides, JA4_APACHE_BIN and JA4_APACHE_MODULES (not config keys: the
 * appliance's own config refuses unknown JA4_* names, so only the harness reads them).
 */
import { type ApacheLocations, locateApache, moduleSourceDir } from '../../appliance/web-host/index.js';

export const APACHE: ApacheLocations = locateApache({
  httpd: process.env.JA4_APACHE_BIN,
  modules: process.env.JA4_APACHE_MODULES,
});

/** mod_reqin_log's sources in this checkout. */
export const MODULE_DIR = moduleSourceDir() as string;
