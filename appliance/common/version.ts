import { readFileSync } from 'node:fs';

/**
 * The appliance version: package.json's "version". Images, RPMs, the migration set and the
 * dashboard footer all carry it. Found by walking up from this file, which works from the
 * TypeScript sources and from the compiled dist/ alike.
 */
export const APPLIANCE_VERSION: string = readVersion();

function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'ja4-platform' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0-unknown';
}
