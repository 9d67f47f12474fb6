import { Ja4Error } from '../common/errors.js';

/**
 * The error catalogue of the web host (STYLE rule 5): an Apache httpd with mod_reqin_log run as a
 * child process. Each error names the file, port or command that failed.
 */

/** `make` of mod_reqin_log failed. */
export class ModuleBuildError extends Ja4Error {
  constructor(dir: string, target: string, output: string, cause?: unknown) {
    super('JA4_ERR_WEB_HOST_MODULE_BUILD', `building mod_reqin_log (${target}) in ${dir} failed: ${output}`, {
      cause,
    });
  }
}

/** openssl could not make the self-signed certificate. */
export class CertificateError extends Ja4Error {
  constructor(certFile: string, output: string, cause?: unknown) {
    super('JA4_ERR_WEB_HOST_CERTIFICATE', `cannot make a self-signed certificate ${certFile}: ${output}`, {
      cause,
    });
  }
}

/** httpd exited before it served, or did not listen in time. */
export class HttpdStartError extends Ja4Error {
  constructor(what: string, log: string) {
    super('JA4_ERR_WEB_HOST_START', `${what}: ${log}`);
  }
}

/** A graceful restart (SIGUSR1) did not bring up a new generation in time. */
export class HttpdRestartError extends Ja4Error {
  constructor(log: string) {
    super('JA4_ERR_WEB_HOST_RESTART', `graceful restart did not complete: ${log}`);
  }
}
