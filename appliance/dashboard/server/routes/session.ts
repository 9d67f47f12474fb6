import type { FastifyInstance } from 'fastify';
import { badCredentials, badPasswordChange } from '../../errors.js';
import type { AuditLog } from '../auth/audit.js';
import type { Session, SessionStore } from '../auth/sessions.js';
import type { UserStore } from '../auth/users.js';
import type { DashboardMetrics } from '../metrics.js';
import { type CookieWriter, SESSION_COOKIE } from '../plugins/auth.js';

export interface SessionRouteOptions {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  loginPerMinute: number;
  ttlMs: number;
  setCookie: CookieWriter;
  metrics: DashboardMetrics;
}

const password = { type: 'string', minLength: 1, maxLength: 256 } as const;

/** What every session route shares: the route options and the cookie's lifetime in seconds. */
interface SessionRouteContext extends SessionRouteOptions {
  maxAgeS: number;
}

const answer = (s: Session) => ({ username: s.username, role: s.role, csrf: s.csrf });

/**
 * Login (public, rate-limited per client address), the current session, logout (this session),
 * log out everywhere (every session of the user, in every replica) and password change (users of
 * users.json; it ends every other session of the user and hands this client a new one).
 */
export async function sessionRoutes(app: FastifyInstance, opts: SessionRouteOptions): Promise<void> {
  const ctx: SessionRouteContext = { ...opts, maxAgeS: Math.floor(opts.ttlMs / 1000) };
  loginRoute(app, ctx);
  currentSessionRoute(app);
  logoutRoute(app, ctx);
  logoutAllRoute(app, ctx);
  passwordRoute(app, ctx);
}

/** The only public route: credentials in, a session cookie and the session's CSRF token out. */
function loginRoute(app: FastifyInstance, ctx: SessionRouteContext): void {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      config: {
        public: true,
        rateLimit: {
          max: ctx.loginPerMinute,
          timeWindow: 60_000,
          onExceeded: (req) => {
            ctx.metrics.loginFailed('rate_limited');
            ctx.audit('login_rate_limited', { ip: req.ip });
          },
        },
      },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', maxLength: 64 }, password },
        },
      },
    },
    async (req, reply) => {
      const user = await ctx.users.verify(req.body.username, req.body.password);
      if (!user) {
        ctx.metrics.loginFailed('credentials');
        ctx.audit('login_failed', { username: req.body.username, ip: req.ip });
        throw badCredentials();
      }
      ctx.sessions.destroy(req.cookies[SESSION_COOKIE]);
      const session = ctx.sessions.create(user.username, user.role);
      ctx.metrics.sessionCreated();
      ctx.audit('login_ok', { username: user.username, ip: req.ip });
      ctx.setCookie(reply, session.id, ctx.maxAgeS);
      return answer(session);
    },
  );
}

function currentSessionRoute(app: FastifyInstance): void {
  app.get('/api/session', async (req) => answer(req.session as Session));
}

/** Ends this session only. */
function logoutRoute(app: FastifyInstance, ctx: SessionRouteContext): void {
  app.post('/api/logout', async (req, reply) => {
    const s = req.session as Session;
    ctx.audit('logout', { username: s.username, ip: req.ip });
    ctx.sessions.destroy(s.id);
    ctx.metrics.sessionRevoked('session');
    ctx.setCookie(reply, '', 0);
    return { ok: true };
  });
}

/** Ends every session of the user, in every replica (revocations are shared: auth/revocations.ts). */
function logoutAllRoute(app: FastifyInstance, ctx: SessionRouteContext): void {
  app.post('/api/logout-all', async (req, reply) => {
    const s = req.session as Session;
    ctx.audit('logout_all', { username: s.username, ip: req.ip });
    ctx.sessions.destroyAll(s.username);
    ctx.metrics.sessionRevoked('user');
    ctx.setCookie(reply, '', 0);
    return { ok: true };
  });
}

/** Changes the password, then ends every session of the user and hands this client a fresh one. */
function passwordRoute(app: FastifyInstance, ctx: SessionRouteContext): void {
  app.post<{ Body: { current_password: string; new_password: string } }>(
    '/api/password',
    {
      schema: {
        body: {
          type: 'object',
          required: ['current_password', 'new_password'],
          additionalProperties: false,
          properties: { current_password: password, new_password: { ...password, minLength: 12 } },
        },
      },
    },
    async (req, reply) => {
      const s = req.session as Session;
      if (!(await ctx.users.verify(s.username, req.body.current_password))) throw badCredentials();
      if (req.body.new_password === req.body.current_password)
        throw badPasswordChange('the new password must differ from the current one');
      const result = await ctx.users.setPassword(s.username, req.body.new_password);
      if (result === 'config')
        throw badPasswordChange(
          `user "${s.username}" is defined in dashboard.users: change its password_hash in the config`,
        );
      if (result === 'unknown') throw badCredentials();
      const validFrom = ctx.sessions.destroyAll(s.username);
      ctx.metrics.sessionRevoked('user');
      const fresh = ctx.sessions.create(s.username, s.role, validFrom);
      ctx.metrics.sessionCreated();
      ctx.audit('password_changed', { username: s.username, ip: req.ip });
      ctx.setCookie(reply, fresh.id, ctx.maxAgeS);
      return answer(fresh);
    },
  );
}
