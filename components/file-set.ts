import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A digest of a set of files (the migrations, the reference CSVs). One-shot containers carry it
 * as a label, so a changed set replaces the container and the job runs again; an unchanged set
 * leaves it alone. Read by the program entry only; components receive the result.
 */
export interface FileSet {
  /** sha256 over every file's name and content, in name order. */
  digest: string;
  /** File names, sorted. */
  files: string[];
}

export interface NamedContent {
  name: string;
  content: Uint8Array;
}

/** Digest of in-memory files; order-independent, and a rename changes it as much as an edit. */
export function describeFileSet(files: NamedContent[]): FileSet {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const f of sorted) {
    // Length-prefix each part so ("ab","c") and ("a","bc") cannot collide.
    hash.update(`${f.name.length}:${f.name}:${f.content.byteLength}:`);
    hash.update(f.content);
  }
  return { digest: hash.digest('hex'), files: sorted.map((f) => f.name) };
}

/** Reads the regular files of `dir` whose names end in one of `suffixes` (not recursive). */
export function readFileSet(dir: string, suffixes: string[]): FileSet {
  if (!existsSync(dir)) return describeFileSet([]);
  const files = readdirSync(dir)
    .filter((name) => suffixes.some((s) => name.endsWith(s)))
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((name) => ({ name, content: readFileSync(join(dir, name)) }));
  return describeFileSet(files);
}

/**
 * The schema version a migration set brings the database to: the highest NNNN of its
 * `NNNN_<verb>_<object>.up.sql` files, as the four-digit string ("0000" when there are none).
 */
export function migrationTarget(set: FileSet): string {
  let max = 0;
  for (const name of set.files) {
    const m = /^(\d+)_.+\.up\.sql$/.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return String(max).padStart(4, '0');
}
