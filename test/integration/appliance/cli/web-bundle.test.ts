/**
 * The dashboard's web bundle: tests build it where they like and never replace the one a user's
 * `ja4 up` serves; a build is a production build with the appliance version, whatever NODE_ENV
 * the test runner set; a bundle is rebuilt only when its sources changed.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apiSourcesOf,
  buildBundle,
  ensureBundle,
  readStamp,
  WEB_SOURCES,
} from '../../../../appliance/cli/web/bundle.js';
import { WEB_DIST } from '../../../../appliance/dashboard/index.js';
import { buildWeb, TEST_WEB_ROOT } from '../../../helpers/web-build.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** Every file under `dir` with the sha256 of its bytes; empty when the directory is absent. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else
        out[child] = createHash('sha256')
          .update(readFileSync(path.join(dir, child)))
          .digest('hex');
    }
  };
  walk('');
  return out;
}

const jsOf = (dir: string) => {
  const js = readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.js'));
  return js.map((f) => readFileSync(path.join(dir, 'assets', f), 'utf8')).join('\n');
};

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('the web bundle', () => {
  it("tests build into a directory of their own and leave the served bundle's files byte-identical", async () => {
    expect(path.resolve(TEST_WEB_ROOT)).not.toBe(path.resolve(WEB_DIST));
    const before = fingerprint(WEB_DIST);
    const mtime = existsSync(WEB_DIST) ? statSync(WEB_DIST).mtimeMs : 0;
    // The helper every browser test calls, then a forced build on the same path as a fresh clone.
    await buildWeb();
    const own = path.join(ROOT, 'test-output', 'web-dist-check');
    scratch.push(own);
    await ensureBundle({ outDir: own, force: true });
    expect(fingerprint(WEB_DIST)).toEqual(before);
    expect(existsSync(WEB_DIST) ? statSync(WEB_DIST).mtimeMs : 0).toBe(mtime);
    expect(Object.keys(fingerprint(own))).toEqual(expect.arrayContaining(['index.html', 'build.json']));
  }, 120_000);

  it('is a production build carrying the appliance version, although vitest sets NODE_ENV=test', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    const dir = await buildWeb();
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain(
      `<meta name="ja4-version" content="${VERSION}">`,
    );
    expect(readStamp(dir)?.version).toBe(VERSION);
    // React's development build greets with this line; the production build has none of it.
    expect(jsOf(dir)).not.toContain('for a better development experience');
  }, 120_000);

  it('rebuilds only when its sources change', async () => {
    // A copy of the sources (the app and the API schema it imports) inside the checkout, so vite
    // and React resolve from node_modules.
    const base = mkdtempSync(path.join(ROOT, 'test-output', 'web-src-'));
    scratch.push(base);
    const webDir = path.join(base, 'web');
    cpSync(WEB_SOURCES, webDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) });
    cpSync(apiSourcesOf(WEB_SOURCES), path.join(base, 'api'), { recursive: true });
    const outDir = path.join(base, 'out');
    expect((await ensureBundle({ webDir, outDir })).state).toBe('built');
    expect((await ensureBundle({ webDir, outDir })).state).toBe('fresh');
    appendFileSync(path.join(webDir, 'src', 'main.tsx'), "\nconsole.info('ja4-stale-check');\n");
    expect((await ensureBundle({ webDir, outDir })).state).toBe('built');
    expect(jsOf(outDir)).toContain('ja4-stale-check');
    expect((await ensureBundle({ webDir, outDir })).state).toBe('fresh');
    // The API schema is a source too: a constant the app shows changes the bundle.
    appendFileSync(
      path.join(base, 'api', 'common.ts'),
      "\nexport const STALE_CHECK = 'ja4-api-stale-check';\n",
    );
    appendFileSync(
      path.join(webDir, 'src', 'main.tsx'),
      "\nimport { STALE_CHECK } from '../../api/common';\nconsole.info(STALE_CHECK);\n",
    );
    expect((await ensureBundle({ webDir, outDir })).state).toBe('built');
    appendFileSync(path.join(base, 'api', 'common.ts'), "\nexport const STALE_CHECK_2 = 'ja4-api-second';\n");
    expect((await ensureBundle({ webDir, outDir })).state).toBe('built');
    // A second builder of the same sources that finishes after the first (parallel test files)
    // keeps the first one's bundle, which others may already be serving; a forced build replaces it.
    writeFileSync(path.join(outDir, 'served-marker'), '1');
    await buildBundle(webDir, outDir, readStamp(outDir)?.hash, false);
    expect(existsSync(path.join(outDir, 'served-marker'))).toBe(true);
    expect((await ensureBundle({ webDir, outDir, force: true })).state).toBe('built');
    expect(existsSync(path.join(outDir, 'served-marker'))).toBe(false);
    expect(readdirSync(base).sort()).toEqual(['api', 'out', 'web']);
  }, 300_000);
});
