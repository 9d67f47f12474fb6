import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` refuses a lock that lacks an entry for any dependency edge it declares, optional
 * platform binaries included ("Missing: <name>@<spec> from lock file", EUSAGE), even when
 * this platform would never install that binary. So the lock records every platform's
 * optional packages (biome's, chDB's, rolldown's), and this check fails the moment one is
 * dropped, the way npm 11 drops them when a lock is written by an install on one platform.
 */

interface LockPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const root = join(import.meta.dirname, '..', '..');

/** The lock path npm resolves `name` to from the package at `from` (node_modules lookup). */
function resolveFrom(packages: Record<string, LockPackage>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/** Every `<package> -> <dependency>` edge of the lock that has no entry to resolve to. */
function missingEdges(packages: Record<string, LockPackage>): string[] {
  const missing: string[] = [];
  for (const [path, pkg] of Object.entries(packages)) {
    if (path.includes('node_modules/') && !pkg.version) continue;
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter(
      (name) => !pkg.peerDependenciesMeta?.[name]?.optional,
    );
    const names = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...(path === '' ? Object.keys(pkg.devDependencies ?? {}) : []),
      ...peers,
    ];
    for (const name of names) {
      if (!resolveFrom(packages, path, name)) missing.push(`${path || '(root)'} -> ${name}`);
    }
  }
  return missing;
}

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    lockfileVersion: number;
    packages: Record<string, LockPackage>;
  };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as LockPackage;

  it('is a v3 lock whose root entry matches package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const rootEntry = lock.packages[''];
    expect(rootEntry.dependencies).toEqual(pkg.dependencies);
    expect(rootEntry.devDependencies).toEqual(pkg.devDependencies);
    expect(rootEntry.optionalDependencies).toEqual(pkg.optionalDependencies);
  });

  it('has an entry for every dependency edge, every platform binary included (npm ci accepts it)', () => {
    expect(missingEdges(lock.packages)).toEqual([]);
  });

  it('finds a dropped platform binary (the check can fail)', () => {
    const dropped = { ...lock.packages };
    delete dropped['node_modules/@biomejs/cli-darwin-arm64'];
    expect(missingEdges(dropped)).toContain('node_modules/@biomejs/biome -> @biomejs/cli-darwin-arm64');
  });
});
