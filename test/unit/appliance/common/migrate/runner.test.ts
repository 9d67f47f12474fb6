import { describe, expect, it } from 'vitest';
import {
  checkApplied,
  MigrationChecksumError,
  MigrationMissingError,
  readMigrations,
} from '../../../../../appliance/common/migrate/index.js';

const migrations = readMigrations();
const recorded = (n: number) =>
  migrations
    .slice(0, n)
    .map((m) => ({ version: m.version, name: m.name, checksum: m.checksum, applied_at: '' }));

describe('checkApplied', () => {
  it('accepts applied versions whose files are unchanged', () => {
    expect(() => checkApplied(migrations, recorded(migrations.length))).not.toThrow();
    expect(() => checkApplied(migrations, [])).not.toThrow();
  });

  it('refuses an applied migration whose file changed, naming the file', () => {
    const done = recorded(3);
    done[1] = { ...done[1], checksum: 'f'.repeat(64) };
    expect(() => checkApplied(migrations, done)).toThrow(MigrationChecksumError);
    expect(() => checkApplied(migrations, done)).toThrow(new RegExp(`^${migrations[1].file} was edited`));
  });

  it('refuses a database that applied a migration this appliance does not have', () => {
    const done = [...recorded(2), { version: 99, name: 'from_the_future', checksum: 'x', applied_at: '' }];
    expect(() => checkApplied(migrations, done)).toThrow(MigrationMissingError);
    expect(() => checkApplied(migrations, done)).toThrow(/0099_from_the_future/);
  });
});
