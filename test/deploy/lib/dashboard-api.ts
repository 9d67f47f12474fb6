/** A logged-in client of the dashboard's JSON API (POST /api/login, then the session cookie). */
export interface DashboardSession {
  get<T>(path: string): Promise<T>;
}

export async function login(baseUrl: string, username: string, password: string): Promise<DashboardSession> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} answered ${res.status}: ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return {
    async get<T>(path: string): Promise<T> {
      const r = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${await r.text()}`);
      return (await r.json()) as T;
    },
  };
}

/** One row of /api/ips/:ip/requests (the address's requests, newest first). */
export interface RecentRequest {
  time: string;
  method: string;
  host: string;
  path: string;
  status: number;
  user_agent: string;
  ja4: string;
  conn_ip: string;
  conn_port: number;
}

/** Polls until every path has a request with a JA4 on the client's page, or the time is up. */
export async function requestsWithJa4(
  session: DashboardSession,
  clientIp: string,
  paths: string[],
  timeoutMs: number,
): Promise<Map<string, RecentRequest>> {
  const deadline = Date.now() + timeoutMs;
  let found = new Map<string, RecentRequest>();
  while (Date.now() < deadline) {
    const { rows } = await session.get<{ rows: RecentRequest[] }>(
      `/api/ips/${encodeURIComponent(clientIp)}/requests?page_size=200`,
    );
    found = new Map(rows.filter((r) => paths.includes(r.path) && r.ja4).map((r) => [r.path, r]));
    if (paths.every((p) => found.has(p))) return found;
    await new Promise((r) => setTimeout(r, 3000));
  }
  return found;
}
