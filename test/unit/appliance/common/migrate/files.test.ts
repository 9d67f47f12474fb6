import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checksumOf,
  defaultMigrationsDir,
  MigrationFilesError,
  readMigrations,
  splitStatements,
} from '../../../../../appliance/common/migrate/index.js';

const tmpDirs: string[] = [];
function tmpMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-migrations-'));
  tmpDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('splitStatements', () => {
  it('splits on ; outside quotes and comments and drops comment-only pieces', () => {
    const sql = [
      "-- a comment; with a semicolon\nCREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory;",
      '/* block; comment */',
      'SELECT "we;ird", `q;t` FROM t; -- trailing',
      "SELECT 'it''s; fine', 'back\\'slash;'",
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory",
      'SELECT "we;ird", `q;t` FROM t',
      "SELECT 'it''s; fine', 'back\\'slash;'",
    ]);
  });

  it('returns nothing for a file of comments', () => {
    expect(splitStatements('-- only\n/* comments */\n;\n')).toEqual([]);
  });
});

const IDEMPOTENT = new RegExp(
  [
    'IF (NOT )?EXISTS',
    '^ALTER TABLE \\S+\\s+(MODIFY|RESET) SETTING ',
    '^ALTER TABLE \\S+\\s+MATERIALIZE (COLUMN|INDEX|PROJECTION) ',
    // A view's query set again to the same text.
    '^ALTER TABLE \\S+\\s+MODIFY QUERY\\s',
    // 0030: the copy reads the live table only while it has the engine being replaced, and the
    // swap runs again only if the migration never completed (the runner records it last).
    '^INSERT INTO ja4_processing\\.ml_all_scores_(next|prev)\\s+SELECT [\\s\\S]+WHERE \\(SELECT engine FROM system\\.tables ',
    '^EXCHANGE TABLES ja4_processing\\.ml_all_scores AND ja4_processing\\.ml_all_scores_(next|prev)$',
    '^INSERT INTO ja4_processing\\.ml_ip_flagged_hours\\s+SELECT DISTINCT ',
    // 0035: a repeated copy is the same (key, scored_at), which FINAL and merges collapse.
    '^INSERT INTO ja4_processing\\.ml_current_scores\\s+SELECT ',
    // 0036: columns written to themselves (stores them in parts that predate them).
    '^ALTER TABLE \\S+\\s+UPDATE (\\w+ = \\w+,\\s*)*\\w+ = \\w+\\s+WHERE 1 ',
    // 0037: a repeated fill is a newer version of the same (hour, ja4) with the same counts.
    '^INSERT INTO ja4_processing\\.ml_score_histogram_1h\\s+SELECT ',
    // 0038: a column's type set again to the same type.
    // 0039: ADD COLUMN IF NOT EXISTS, then MATERIALIZE COLUMN (above).
    '^ALTER TABLE \\S+\\s+MODIFY COLUMN ',
  ].join('|'),
  'i',
);

describe('readMigrations', () => {
  it('reads the shipped set: numbered from 0001 without gaps, each with up and down', () => {
    const dir = defaultMigrationsDir();
    const migrations = readMigrations(dir);
    const sqlFiles = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    expect(migrations.length * 2).toBe(sqlFiles.length);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) {
      expect(m.file).toBe(`${String(m.version).padStart(4, '0')}_${m.name}.up.sql`);
      expect(splitStatements(m.down).length).toBeGreaterThan(0);
      // STYLE rule 12: every statement idempotent: IF [NOT] EXISTS, or a form that sets a state
      // (a table setting, a column or projection written again from its expression), or a fill
      // of a set-like table (SELECT DISTINCT into a ReplacingMergeTree read with distinct counts;
      // detected-anomalies-search.test.ts runs it twice).
      for (const s of [...splitStatements(m.up), ...splitStatements(m.down)]) {
        expect(s, `${m.file}: ${s.slice(0, 60)}`).toMatch(IDEMPOTENT);
      }
    }
  });

  it('refuses a gap, a missing down file and a bad name', () => {
    const ok = 'SELECT 1;';
    expect(() =>
      readMigrations(
        tmpMigrations({
          '0001_a.up.sql': ok,
          '0001_a.down.sql': ok,
          '0003_c.up.sql': ok,
          '0003_c.down.sql': ok,
        }),
      ),
    ).toThrow(/expected version 0002 next/);
    expect(() => readMigrations(tmpMigrations({ '0001_a.up.sql': ok }))).toThrow(/needs both/);
    expect(() => readMigrations(tmpMigrations({ '1_a.up.sql': ok }))).toThrow(MigrationFilesError);
    expect(() => readMigrations(tmpMigrations({ '0001_a.up.sql': ok, '0001_b.down.sql': ok }))).toThrow(
      /two names/,
    );
  });

  it('checksums ignore CRLF versus LF but not content', () => {
    expect(checksumOf('SELECT 1;\r\n')).toBe(checksumOf('SELECT 1;\n'));
    expect(checksumOf('SELECT 1;\n')).not.toBe(checksumOf('SELECT 2;\n'));
    expect(checksumOf('x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a copied set reads the same as the original', () => {
    const src = defaultMigrationsDir();
    const dir = mkdtempSync(join(tmpdir(), 'ja4-migrations-'));
    tmpDirs.push(dir);
    for (const f of readdirSync(src).filter((f) => f.endsWith('.sql')))
      copyFileSync(join(src, f), join(dir, f));
    expect(readMigrations(dir).map((m) => m.checksum)).toEqual(readMigrations(src).map((m) => m.checksum));
  });
});
