import { Ja4Error } from '../errors.js';

/**
 * The error catalogue of the migration runner and the dictionary loader (STYLE rule 5).
 * Each message names the file (and line or statement) and what to do.
 */

/** The migrations directory is unreadable or its file names break the numbering rules. */
export class MigrationFilesError extends Ja4Error {
  constructor(dir: string, reason: string) {
    super('JA4_ERR_MIGRATE_FILES', `migrations in ${dir}: ${reason}`, { exitCode: 2 });
  }
}

/** An applied migration's .up.sql no longer has the checksum recorded when it was applied. */
export class MigrationChecksumError extends Ja4Error {
  constructor(file: string, recorded: string, current: string) {
    super(
      'JA4_ERR_MIGRATE_CHECKSUM',
      `${file} was edited after it was applied (recorded checksum ${recorded.slice(0, 12)}, ` +
        `file now ${current.slice(0, 12)}); restore the file and add a new migration for the change`,
      { exitCode: 2 },
    );
  }
}

/** schema_migrations records a version whose files are gone. */
export class MigrationMissingError extends Ja4Error {
  constructor(version: number, name: string, dir: string) {
    super(
      'JA4_ERR_MIGRATE_MISSING',
      `migration ${String(version).padStart(4, '0')}_${name} is applied but has no file in ${dir}; ` +
        'this appliance is older than its database: run the version that applied it',
      { exitCode: 2 },
    );
  }
}

/** A statement of a migration failed; the migration is not recorded as applied. */
export class MigrationFailedError extends Ja4Error {
  constructor(file: string, statement: number, reason: string, rollback: string) {
    super(
      'JA4_ERR_MIGRATE_FAILED',
      `${file}: statement ${statement} failed: ${reason} (not recorded as applied; ${rollback})`,
    );
  }
}

/** Another runner holds the migration lock. */
export class MigrationLockedError extends Ja4Error {
  constructor(owner: string, since: string, waitedMs: number) {
    super(
      'JA4_ERR_MIGRATE_LOCKED',
      `another migration runner (${owner}, since ${since}) holds the lock; waited ${waitedMs} ms. ` +
        'Retry when it is done (a lock left by a killed runner is broken 30 minutes after it was taken)',
      { exitCode: 3 },
    );
  }
}

/** `verify` found differences between the live schema and the migration files. */
export class SchemaDriftError extends Ja4Error {
  constructor(problems: string[]) {
    super('JA4_ERR_MIGRATE_DRIFT', `live schema differs from the migrations: ${problems.join('; ')}`);
  }
}

/** A dictionary CSV row (or header) is invalid; nothing was loaded. */
export class DictionaryRowError extends Ja4Error {
  constructor(file: string, line: number, reason: string) {
    super('JA4_ERR_DICT_ROW', `${file}:${line}: ${reason} (nothing was loaded)`, { exitCode: 2 });
  }
}

/** The dictionary directory has no usable CSV, or a file name is not one we know. */
export class DictionaryFilesError extends Ja4Error {
  constructor(dir: string, reason: string) {
    super('JA4_ERR_DICT_FILES', `dictionaries in ${dir}: ${reason}`, { exitCode: 2 });
  }
}
