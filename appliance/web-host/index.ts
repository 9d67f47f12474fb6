/**
 * The web host: a real Apache httpd with mod_reqin_log, run as a child process with a config of
 * its own. It finds httpd, its modules and apxs, builds the module, writes an httpd.conf (mod_ssl,
 * mod_remoteip, ReqinLogSocket), makes a self-signed certificate, and starts and stops httpd.
 * `ja4 up` runs its first-run Apache through it (startApplianceHost); the module's tests and
 * benchmarks run theirs.
 */
export {
  type ApplianceHost,
  type ApplianceHostOptions,
  startApplianceHost,
} from './appliance-host.js';
export { buildModule, buildModuleAsync, type ModuleFlavour } from './build-module.js';
export { type CertificateOptions, certificateValidFor, makeSelfSignedCertificate } from './certificate.js';
export {
  CertificateError,
  HttpdRestartError,
  HttpdStartError,
  ModuleBuildError,
} from './errors.js';
export {
  COMBINED_LOG_FORMAT,
  type HttpdConfOptions,
  type HttpdConfPlace,
  loadModuleLine,
  type Mpm,
  renderHttpdConf,
  STOCK_MODULES,
} from './httpd-conf.js';
export { type ApacheOptions, type ApacheServer, startApache, waitForPort } from './httpd-process.js';
export { type ApacheLocations, apacheMissing, locateApache, moduleSourceDir } from './locate.js';
export { accepts, freePort, httpOk } from './ports.js';
export { blockedDirectory, type RunAs, runAsIdentity } from './run-as.js';
export { reclaimStaleHttpd } from './stale.js';
export { fetchModuleStatus, parseModuleCounters, STATUS_PATH } from './status.js';
