import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/**
 * The web host `ja4 up` runs for the first run (appliance/web-host): a real Apache httpd with
 * mod_reqin_log on loopback, HTTPS with a self-signed certificate, its events sent to the
 * correlator's http socket and its TLS port watched by the sentinel.
 */
export const webHostSection = z
  .object({
    /** Run it when Apache httpd and apxs are installed (`ja4 up --no-web-host` turns it off once). */
    enabled: z.boolean().default(true),
    /** The HTTPS port on 127.0.0.1 where your own requests go. */
    port: port.default(8443),
    /** Plain HTTP port on 127.0.0.1 for the module's counters (not logged); 0 = any free port. */
    status_port: port.default(0),
    /** ServerRoot: httpd.conf, the certificate (tls/), htdocs/, error.log. */
    dir: z.string().min(1).default('./var/web-host'),
    /**
     * The user httpd's children serve as when `ja4 up` runs as root (httpd refuses root); empty:
     * the sudo caller, else www-data, apache or nobody, whichever exists. Without root they run
     * as the invoking user.
     */
    user: z.string().default(''),
  })
  .strict()
  .prefault({});
