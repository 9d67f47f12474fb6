import { execFileSync } from 'node:child_process';

/**
 * Builds the dashboard's React app with `npm run build:web` (under a second), so browser tests
 * always run the app as users get it, never a stale build.
 */
export function buildWeb(): void {
  execFileSync('npm', ['run', '--silent', 'build:web'], { stdio: 'ignore' });
}
