import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationFilesError } from './errors.js';

/** One numbered migration: its up and down SQL and the checksum recorded when it is applied. */
export interface Migration {
  version: number;
  name: string;
  /** The .up.sql file name, as messages and schema_migrations name it. */
  file: string;
  downFile: string;
  up: string;
  down: string;
  /** sha256 of the .up.sql text with CRLF normalised to LF. */
  checksum: string;
}

const FILE_RE = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.(up|down)\.sql$/;

/**
 * The repository's migrations/ folder, found by walking up from this module, so the same code
 * works from the TypeScript sources (appliance/common/migrate/) and from dist/ (one level deeper).
 */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'migrations');
    if (existsSync(candidate) && readdirSync(candidate).some((f) => FILE_RE.test(f))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new MigrationFilesError('migrations/', 'no migrations folder above the runner');
    dir = parent;
  }
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * Reads NNNN_<verb>_<object>.up.sql / .down.sql pairs. Every up needs its down, numbers are
 * unique and start at 0001 with no gaps (a gap is a lost or renumbered file).
 */
export function readMigrations(dirArg?: string): Migration[] {
  const dir = resolve(dirArg ?? defaultMigrationsDir());
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  } catch (err) {
    throw new MigrationFilesError(dir, (err as Error).message);
  }
  const byVersion = new Map<number, { name: string; up?: string; down?: string }>();
  for (const file of names) {
    const m = FILE_RE.exec(file);
    if (!m) throw new MigrationFilesError(dir, `${file} is not named NNNN_<verb>_<object>.(up|down).sql`);
    const version = Number(m[1]);
    const entry = byVersion.get(version) ?? { name: m[2] };
    if (entry.name !== m[2]) {
      throw new MigrationFilesError(dir, `version ${m[1]} is used by two names (${entry.name}, ${m[2]})`);
    }
    entry[m[3] as 'up' | 'down'] = file;
    byVersion.set(version, entry);
  }
  const versions = [...byVersion.keys()].sort((a, b) => a - b);
  return versions.map((version, i) => {
    const entry = byVersion.get(version)!;
    if (version !== i + 1) {
      throw new MigrationFilesError(dir, `expected version ${pad(i + 1)} next, found ${pad(version)}`);
    }
    if (!entry.up || !entry.down) {
      throw new MigrationFilesError(dir, `${pad(version)}_${entry.name} needs both .up.sql and .down.sql`);
    }
    const up = readFileSync(join(dir, entry.up), 'utf8');
    const down = readFileSync(join(dir, entry.down), 'utf8');
    for (const [file, sql] of [
      [entry.up, up],
      [entry.down, down],
    ]) {
      if (splitStatements(sql).length === 0) throw new MigrationFilesError(dir, `${file} has no statement`);
    }
    return {
      version,
      name: entry.name,
      file: entry.up,
      downFile: entry.down,
      up,
      down,
      checksum: checksumOf(up),
    };
  });
}

export function pad(version: number): string {
  return String(version).padStart(4, '0');
}

/**
 * Splits a SQL file into statements on `;` outside quotes and comments, so the runner sends them
 * one at a time (ClickHouse runs one statement per query). Comment-only pieces are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  let hasCode = false;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      hasCode = true;
      i++;
      while (i < n && sql[i] !== c) i += sql[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === ';') {
      if (hasCode) out.push(stripLeadingComments(sql.slice(start, i)));
      start = i + 1;
      hasCode = false;
      i++;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  if (hasCode) out.push(stripLeadingComments(sql.slice(start)));
  return out;
}

/** Drops the comment lines before a statement (they document the file, not the query). */
export function stripLeadingComments(statement: string): string {
  let s = statement.trim();
  for (;;) {
    if (s.startsWith('--')) {
      const end = s.indexOf('\n');
      s = end < 0 ? '' : s.slice(end + 1).trim();
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2).trim();
    } else {
      return s;
    }
  }
}
