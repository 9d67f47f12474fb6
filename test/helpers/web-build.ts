import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBundle } from '../../appliance/cli/web/bundle.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where tests build the dashboard's React app: a directory of their own, so a test run never
 * replaces the bundle a user's `ja4 up` serves (appliance/dashboard/web/dist). Pass it as the
 * dashboard's webRoot (or JA4_DASHBOARD_WEB_ROOT for `ja4 up`).
 */
export const TEST_WEB_ROOT = path.join(ROOT, 'test-output', 'web-dist');

/**
 * Builds the app as users get it (a production build, whatever NODE_ENV vitest set) into
 * TEST_WEB_ROOT when its sources changed since the last build; returns the directory.
 */
export async function buildWeb(): Promise<string> {
  const { outDir } = await ensureBundle({ outDir: TEST_WEB_ROOT });
  return outDir;
}
