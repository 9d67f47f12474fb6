import { Ja4Error } from '../common/index.js';

/** The dashboard's error catalogue; API errors reach the client as { error: { code, message } }. */
export class DashboardError extends Ja4Error {
  readonly statusCode: number;
  constructor(code: string, statusCode: number, message: string) {
    super(code, message);
    this.statusCode = statusCode;
  }
}

export const unauthenticated = () =>
  new DashboardError('JA4_ERR_DASH_UNAUTHENTICATED', 401, 'log in first (POST /api/login)');
export const forbidden = (what: string) =>
  new DashboardError('JA4_ERR_DASH_FORBIDDEN', 403, `${what} needs the admin role`);
export const badCsrf = () =>
  new DashboardError(
    'JA4_ERR_DASH_CSRF',
    403,
    'missing or wrong x-csrf-token header: send the token from GET /api/session with every state-changing request',
  );
export const badCredentials = () =>
  new DashboardError('JA4_ERR_DASH_LOGIN', 401, 'wrong user name or password');
export const badRange = (why: string) =>
  new DashboardError('JA4_ERR_DASH_RANGE', 400, `bad time range: ${why}`);
export const badQuery = (why: string) => new DashboardError('JA4_ERR_DASH_QUERY', 400, why);
export const actionUnavailable = (what: string) =>
  new DashboardError('JA4_ERR_DASH_UNAVAILABLE', 503, `${what} is not available in this process`);
export const badNumber = (param: string, value: string) =>
  new DashboardError(
    'JA4_ERR_DASH_INPUT',
    400,
    `bad request: querystring/${param} = ${JSON.stringify(value.slice(0, 40))} is not a plain decimal number`,
  );
export const badPasswordChange = (why: string) => new DashboardError('JA4_ERR_DASH_PASSWORD', 400, why);
export const detectorUnavailable = (why: string) =>
  new DashboardError('JA4_ERR_DASH_DETECTOR', 502, `the detector API cannot be reached: ${why}`);
export const notFound = (what: string) =>
  new DashboardError('JA4_ERR_DASH_NOT_FOUND', 404, `${what} does not exist`);
