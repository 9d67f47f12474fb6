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

/**
 * Login (public, rate-limited per client address), the current session, logout (this session),
 * log out everywhere (every session of the user, in every replica) and password change (users of
 * users.json; it ends every other session of the user and hands this client a new one).
 */
export async function sessionRoutes(app: FastifyInstance, opts: SessionRouteOptions): Promise<void> {
  const maxAgeS = Math.floor(opts.ttlMs / 1000);
  const answer = (s: Session) => ({ username: s.username, role: s.role, csrf: s.csrf });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      config: {
        public: true,
        rateLimit: {
          max: opts.loginPerMinute,
          timeWindow: 60_000,
          onExceeded: (req) => {
            opts.metrics.loginFailed('rate_limited');
            opts.audit('login_rate_limited', { ip: req.ip });
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
      const user = await opts.users.verify(req.body.username, req.body.password);
      if (!user) {
        opts.metrics.loginFailed('credentials');
        opts.audit('login_failed', { username: req.body.username, ip: req.ip });
        throw badCredentials();
      }
      opts.sessions.destroy(req.cookies[SESSION_COOKIE]);
      const session = opts.sessions.create(user.username, user.role);
      opts.metrics.sessionCreated();
      opts.audit('login_ok', { username: user.username, ip: req.ip });
      opts.setCookie(reply, session.id, maxAgeS);
      return answer(session);
    },
  );

  app.get('/api/session', async (req) => answer(req.session as Session));

  app.post('/api/logout', async (req, reply) => {
    const s = req.session as Session;
    opts.audit('logout', { username: s.username, ip: req.ip });
    opts.sessions.destroy(s.id);
    opts.metrics.sessionRevoked('session');
    opts.setCookie(reply, '', 0);
    return { ok: true };
  });

  app.post('/api/logout-all', async (req, reply) => {
    const s = req.session as Session;
    opts.audit('logout_all', { username: s.username, ip: req.ip });
    opts.sessions.destroyAll(s.username);
    opts.metrics.sessionRevoked('user');
    opts.setCookie(reply, '', 0);
    return { ok: true };
  });

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
      if (!(await opts.users.verify(s.username, req.body.current_password))) throw badCredentials();
      if (req.body.new_password === req.body.current_password)
        throw badPasswordChange('the new password must differ from the current one');
      const result = await opts.users.setPassword(s.username, req.body.new_password);
      if (result === 'config')
        throw badPasswordChange(
          `user "${s.username}" is defined in dashboard.users: change its password_hash in the config`,
        );
      if (result === 'unknown') throw badCredentials();
      const validFrom = opts.sessions.destroyAll(s.username);
      opts.metrics.sessionRevoked('user');
      const fresh = opts.sessions.create(s.username, s.role, validFrom);
      opts.metrics.sessionCreated();
      opts.audit('password_changed', { username: s.username, ip: req.ip });
      opts.setCookie(reply, fresh.id, maxAgeS);
      return answer(fresh);
    },
  );
}
