import { Ja4Error } from '../common/errors.js';

/**
 * The error catalogue of the `ja4` command itself (STYLE rule 5): what the composition root
 * does on its own, the web bundle build and `ja4 up`'s start-up. Services keep their own.
 */

/** The dashboard's web app could not be built (vite failed or is absent). */
export class WebBuildError extends Ja4Error {
  constructor(outDir: string, why: string, cause?: unknown) {
    super('JA4_ERR_WEB_BUILD', `cannot build the dashboard web app into ${outDir}: ${why}`, { cause });
  }
}

/** A service `ja4 up` needs did not start; the message is the one line the console shows. */
export class UpServiceError extends Ja4Error {
  readonly service: string;
  constructor(service: string, why: string, cause?: unknown) {
    super('JA4_ERR_UP_SERVICE', `${service} did not start: ${why}`, { cause });
    this.service = service;
  }
}
