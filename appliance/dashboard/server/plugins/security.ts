import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** One year, the value HSTS preload lists ask for (RFC 6797 §6.1.1 leaves it to the site). */
const HSTS = 'max-age=31536000';

/**
 * Security headers. The CSP allows only our own scripts and styles: every attacker-controlled
 * string (user agent, path, SNI) reaches the page as React text, and even a mistake there
 * could not load or run a script from elsewhere. Strict-Transport-Security goes on responses
 * served over TLS, and on every response when `secureCookies` says a TLS proxy is in front;
 * never otherwise, since over plain HTTP it is ignored (RFC 6797 §7.2) and a dashboard reached
 * over http://127.0.0.1 must stay reachable. No includeSubDomains: the dashboard's host name may
 * share a domain with sites the appliance does not control.
 */
export const securityPlugin = fp(async (app: FastifyInstance, opts: { secureCookies: boolean }) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (opts.secureCookies || req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    return payload;
  });
});
