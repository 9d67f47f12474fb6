/** The dashboard API client: same-origin fetch, the session cookie, the CSRF header. */
let csrf = '';
let onUnauthenticated: () => void = () => undefined;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function setCsrf(token: string): void {
  csrf = token;
}

/** What to do when any call answers 401: the session is gone, so the app shows the login page. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export type Params = Record<string, string | number | boolean | undefined>;

export function queryString(params: Params): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
  return qs.toString();
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login') onUnauthenticated();
    throw new ApiError(res.status, data.error?.code ?? 'HTTP', data.error?.message ?? `HTTP ${res.status}`);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, params: Params = {}, signal?: AbortSignal) => {
    const s = queryString(params);
    return call<T>('GET', s ? `${path}?${s}` : path, undefined, signal);
  },
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

/** A link to a file download (CSV, blocklists): same-origin GET, the cookie goes along. */
export function downloadUrl(path: string, params: Params): string {
  return `${path}?${queryString(params)}`;
}
