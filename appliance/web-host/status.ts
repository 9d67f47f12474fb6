import http from 'node:http';

/** The path the web host maps to mod_reqin_log's status handler (`SetHandler reqin-log-status`). */
export const STATUS_PATH = '/reqin-status';

/** The body of mod_reqin_log's status page on 127.0.0.1:port. */
export function fetchModuleStatus(port: number, urlPath = STATUS_PATH): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
  });
}

/** The status page's `name: count` lines as name → count. */
export function parseModuleCounters(body: string): Record<string, number> {
  return Object.fromEntries([...body.matchAll(/^(\w+): (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}
