/**
 * The ClickHouse schema runner: migrations (up, down, status, verify), the cluster renderer and
 * the dictionary loader. Used by `ja4 migrate`, `ja4 dict`, `ja4 up`, the dashboard's admin
 * route and the Pulumi one-shot migrate container.
 */
export { type AppliedRow, BOOKKEEPING_DDL, LOCK_TABLE, MIGRATIONS_TABLE } from './bookkeeping.js';
export { renderForCluster } from './cluster.js';
export {
  defaultDictionariesDir,
  type LoadDictionariesOptions,
  loadDictionaries,
  parseDictionaryCsv,
  readDictionaryFiles,
} from './dictionaries.js';
export { DICTIONARY_SPECS, type DictionarySpec } from './dictionary-specs.js';
export * from './errors.js';
export {
  checksumOf,
  defaultMigrationsDir,
  type Migration,
  readMigrations,
  splitStatements,
} from './files.js';
export { acquireLock, type HeldLock, type LockOptions } from './lock.js';
export { applyRetention, currentTtlDays, RETENTION_TTL } from './retention.js';
export {
  checkApplied,
  type MigrateOptions,
  type MigrationState,
  migrateDown,
  migrateUp,
  migrationStatus,
} from './runner.js';
export { type VerifyResult, verifySchema } from './verify.js';
