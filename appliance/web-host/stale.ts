import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './ports.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops an httpd a previous run left serving from this ServerRoot (its parent was killed
 * before it could stop it): the pid in httpd.pid, if that process is an httpd started with
 * `-d <dir>`. Any other process is left alone. Returns the pid stopped, or null.
 */
export async function reclaimStaleHttpd(dir: string): Promise<number | null> {
  const root = path.resolve(dir);
  let pid: number;
  let argv: string[];
  try {
    pid = Number(readFileSync(path.join(root, 'httpd.pid'), 'utf8').trim());
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
  const d = argv.indexOf('-d');
  if (!Number.isInteger(pid) || pid <= 1 || d < 0 || argv[d + 1] !== root) return null;
  // SIGTERM to the parent stops its children too (httpd's graceless stop).
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return pid;
}
