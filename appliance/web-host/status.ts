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

/** One Apache child's line of mod_reqin_log's status page: its pid and its own counters. */
export interface ModuleChild {
  pid: number;
  alive: boolean;
  counters: Record<string, number>;
}

/** The status page's `Child <pid>: Name value ...` lines. */
export function parseModuleChildren(body: string): ModuleChild[] {
  return [...body.matchAll(/^Child (\d+):((?: \w+ \d+)+)$/gm)].map((m) => {
    const words = m[2].trim().split(' ');
    const counters: Record<string, number> = {};
    for (let i = 0; i + 1 < words.length; i += 2) counters[words[i]] = Number(words[i + 1]);
    return { pid: Number(m[1]), alive: counters.Alive === 1, counters };
  });
}
