import { Counter, type Registry } from '../../common/index.js';

/** The dashboard's Prometheus metrics (ja4_dashboard_*), on the registry /metrics serves. */
export interface DashboardMetrics {
  registry: Registry;
  /** One answered request; `route` is the matched route pattern, never the raw URL. */
  request(method: string, route: string, status: number): void;
  sessionCreated(): void;
  sessionRevoked(scope: 'session' | 'user'): void;
  loginFailed(reason: 'credentials' | 'rate_limited'): void;
  refused(reason: 'unauthenticated' | 'csrf' | 'forbidden'): void;
}

export function createDashboardMetrics(registry: Registry): DashboardMetrics {
  const requests = new Counter({
    name: 'ja4_dashboard_http_requests_total',
    help: 'Requests answered, by method, matched route pattern ("unmatched" for 404s) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const sessions = new Counter({
    name: 'ja4_dashboard_sessions_created_total',
    help: 'Sessions created by a successful login or a password change',
    registers: [registry],
  });
  const revoked = new Counter({
    name: 'ja4_dashboard_sessions_revoked_total',
    help: 'Revocations: one session (logout) or every session of a user (log out everywhere, password change)',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'ja4_dashboard_login_failures_total',
    help: 'Refused logins: wrong credentials, or over the per-address rate limit',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'ja4_dashboard_auth_refusals_total',
    help: 'Requests refused by the session guard: no session, missing CSRF token, not an admin',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  return {
    registry,
    request: (method, route, status) =>
      requests.inc({ method: METHODS.has(method) ? method : 'other', route, status: String(status) }),
    sessionCreated: () => sessions.inc(),
    sessionRevoked: (scope) => revoked.inc({ scope }),
    loginFailed: (reason) => loginFailures.inc({ reason }),
    refused: (reason) => refusals.inc({ reason }),
  };
}
