import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** package.json's version (the appliance version), found upwards from this folder. */
function applianceVersion(): string {
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'ja4-platform' && pkg.version) return pkg.version;
  }
  throw new Error(`no ja4-platform package.json above ${here}`);
}

/** Marks the bundle with the version it was built for: <meta name="ja4-version">. */
function versionMeta(version: string): Plugin {
  return {
    name: 'ja4-version-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { name: 'ja4-version', content: version }, injectTo: 'head' },
    ],
  };
}

// The SOC dashboard's React app. `ja4 web build` (and `ja4 up`, npm install) build it into
// web/dist, which the fastify server serves; tests build into a directory of their own.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [versionMeta(applianceVersion())],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
