import { createHash, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerMatches } from '../../../common/index.js';
import { badCsrf, forbidden, unauthenticated } from '../../errors.js';
import type { Session, SessionStore } from '../auth/sessions.js';
import type { DashboardMetrics } from '../metrics.js';

export const SESSION_COOKIE = 'ja4_session';
/** Methods that change nothing (RFC 9110 §9.2.1); every other method needs the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
  }
  interface FastifyContextConfig {
    /** Routes reachable without a session (login, liveness, the static app). */
    public?: boolean;
    /** Routes only an admin may call. */
    admin?: boolean;
    /** Routes a scraper may also read with `Authorization: Bearer <dashboard.metrics_token>`. */
    scrape?: boolean;
  }
}

export interface AuthOptions {
  sessions: SessionStore;
  secureCookies: boolean;
  ttlMs: number;
  /** dashboard.metrics_token; empty: routes marked `scrape` need an admin session like the others. */
  scrapeToken: string;
  metrics: DashboardMetrics;
}

/** Writes (or clears, with maxAgeS 0) the session cookie. */
export type CookieWriter = (reply: FastifyReply, value: string, maxAgeS: number) => void;

export function cookieWriter(secure: boolean): CookieWriter {
  return (reply, value, maxAgeS) =>
    reply.setCookie(SESSION_COOKIE, value, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: maxAgeS,
    });
}

/**
 * The session guard, deny by default: the decision comes from the route the router matched
 * (its config), never from the text of the URL, so every spelling that reaches a route meets
 * that route's rule. A route needs a session unless marked `public`; every method but GET, HEAD
 * and OPTIONS also needs the session's CSRF token in x-csrf-token (synchronizer token; the
 * SameSite=Strict cookie is the second line); `admin` routes need the admin role. A request that
 * matched no route is left to the not-found handler, which answers 404 and reads nothing.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: AuthOptions) => {
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  const setCookie = cookieWriter(opts.secureCookies);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    req.session = opts.sessions.get(req.cookies[SESSION_COOKIE]);
    if (req.session?.renewed) setCookie(reply, req.session.renewed, Math.floor(opts.ttlMs / 1000));
    if (req.is404) return;
    const config = req.routeOptions.config;
    if (config.public) return;
    if (config.scrape && bearerMatches(req.headers.authorization, opts.scrapeToken)) return;
    if (!req.session) {
      opts.metrics.refused('unauthenticated');
      throw unauthenticated();
    }
    if (!SAFE_METHODS.has(req.method) && !sameToken(req.headers['x-csrf-token'], req.session.csrf)) {
      opts.metrics.refused('csrf');
      throw badCsrf();
    }
    if ((config.admin || config.scrape) && req.session.role !== 'admin') {
      opts.metrics.refused('forbidden');
      throw forbidden(`${req.method} ${req.routeOptions.url}`);
    }
  });
});

function sameToken(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}
