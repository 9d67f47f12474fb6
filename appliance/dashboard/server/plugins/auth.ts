import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badCredentials, badCsrf, forbidden, unauthenticated } from '../../errors.js';
import type { AuditLog } from '../auth/audit.js';
import type { Session, SessionStore } from '../auth/sessions.js';
import type { UserStore } from '../auth/users.js';

export const SESSION_COOKIE = 'ja4_session';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
  }
  interface FastifyContextConfig {
    /** Routes reachable without a session (login, liveness, the static app). */
    public?: boolean;
    /** Routes only an admin may call. */
    admin?: boolean;
  }
}

export interface AuthOptions {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  loginPerMinute: number;
  secureCookies: boolean;
  ttlMs: number;
}

/**
 * Login, logout and the session guard. Every /api route needs a session unless marked public;
 * state-changing routes also need the session's CSRF token in x-csrf-token (synchronizer token;
 * the SameSite=Strict cookie is the second line).
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: AuthOptions) => {
  await app.register(cookie);
  await app.register(rateLimit, { global: false });

  const setCookie = (reply: FastifyReply, value: string, maxAgeS: number) =>
    reply.setCookie(SESSION_COOKIE, value, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: opts.secureCookies,
      maxAge: maxAgeS,
    });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    req.session = opts.sessions.get(req.cookies[SESSION_COOKIE]);
    if (req.session?.renewed) setCookie(reply, req.session.renewed, Math.floor(opts.ttlMs / 1000));
    const config = req.routeOptions.config;
    if (!req.url.startsWith('/api/') || config?.public) return;
    if (!req.session) throw unauthenticated();
    if (STATE_CHANGING.has(req.method) && req.headers['x-csrf-token'] !== req.session.csrf) throw badCsrf();
    if (config?.admin && req.session.role !== 'admin')
      throw forbidden(`${req.method} ${req.routeOptions.url}`);
  });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      config: {
        public: true,
        rateLimit: {
          max: opts.loginPerMinute,
          timeWindow: 60_000,
          onExceeded: (req) => opts.audit('login_rate_limited', { ip: req.ip }),
        },
      },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', maxLength: 64 },
            password: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
    async (req, reply) => {
      const user = await opts.users.verify(req.body.username, req.body.password);
      if (!user) {
        opts.audit('login_failed', { username: req.body.username, ip: req.ip });
        throw badCredentials();
      }
      opts.sessions.destroy(req.cookies[SESSION_COOKIE]);
      const session = opts.sessions.create(user.username, user.role);
      opts.audit('login_ok', { username: user.username, ip: req.ip });
      setCookie(reply, session.id, Math.floor(opts.ttlMs / 1000));
      return { username: session.username, role: session.role, csrf: session.csrf };
    },
  );

  app.post('/api/logout', async (req, reply) => {
    opts.audit('logout', { username: req.session?.username, ip: req.ip });
    opts.sessions.destroy(req.session?.id);
    setCookie(reply, '', 0);
    return { ok: true };
  });

  app.get('/api/session', async (req) => {
    const s = req.session as Session;
    return { username: s.username, role: s.role, csrf: s.csrf };
  });
});
