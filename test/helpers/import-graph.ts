/**
 * The relative imports of the repository's source files, read as text (no compiler): enough to
 * check which room imports which and to find import cycles.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const SOURCE = /\.(?:ts|tsx|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build']);

/** Source files under `dir` (repository-relative, '/'-separated), skipping build output. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(REPO_ROOT, rel))) {
      const child = `${rel}/${name}`;
      if (statSync(path.join(REPO_ROOT, child)).isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(child);
      } else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

export interface ImportEdge {
  /** The importing file, repository-relative. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported file, repository-relative (the .js of a NodeNext specifier mapped to .ts). */
  to: string;
  /** `import type` / `export type`: erased at compile time, no runtime edge. */
  typeOnly: boolean;
}

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`, across line breaks.
const IMPORT_RE =
  /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const DYNAMIC_RE = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function resolveTarget(from: string, specifier: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const ts = joined.replace(/\.js$/, '.ts');
  for (const candidate of [ts, joined.replace(/\.js$/, '.tsx'), joined, `${joined}/index.ts`]) {
    try {
      if (statSync(path.join(REPO_ROOT, candidate)).isFile()) return candidate;
    } catch {
      // try the next spelling
    }
  }
  return joined;
}

/** Every relative import of the given files. Comments are stripped first so prose is not read as code. */
export function relativeImports(files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = readFileSync(path.join(REPO_ROOT, from), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    for (const m of text.matchAll(IMPORT_RE))
      edges.push({ from, specifier: m[3], to: resolveTarget(from, m[3]), typeOnly: Boolean(m[2]) });
    for (const m of text.matchAll(DYNAMIC_RE))
      edges.push({ from, specifier: m[1], to: resolveTarget(from, m[1]), typeOnly: false });
  }
  return edges;
}

/**
 * The import cycles among `files`: each strongly connected component of more than one file
 * (Tarjan's algorithm), files sorted. Type-only imports count: a cycle of types still ties the
 * modules together for a reader.
 */
export function importCycles(files: readonly string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of relativeImports(files)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of files) if (!index.has(v)) visit(v);
  return cycles;
}
