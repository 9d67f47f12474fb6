/**
 * The ClickHouse schema runner: migrations (up, down, status, verify), the cluster renderer and
 * the dictionary loader. Used by `ja4 migrate`, `ja4 dict`, `ja4 up`, the dashboard's admin
 * route and the Pulumi one-shot migrate container.
 */

export { ASN_CLASSIFIER_VERSION, classifyAsnName } from './asn-kind.js';
export { type AppliedRow, BOOKKEEPING_DDL, LOCK_TABLE, MIGRATIONS_TABLE } from './bookkeeping.js';
export { renderForCluster } from './cluster.js';
export {
  defaultDictionariesDir,
  type LoadDictionariesOptions,
  loadDictionaries,
  parseDictionaryCsv,
  readDictionaryFiles,
} from './dictionaries.js';
export type { ParsedFile, Provenance } from './dictionary-files.js';
export {
  ACCESS_ASN_KINDS,
  ASN_KINDS,
  type AsnKind,
  DICTIONARY_SPECS,
  type DictionarySpec,
  TLS_FAMILIES,
} from './dictionary-specs.js';
export * from './errors.js';
export {
  checksumOf,
  defaultMigrationsDir,
  type Migration,
  readMigrations,
  splitStatements,
} from './files.js';
export { IP_ASN_ATTRIBUTION, IP_ASN_PACKAGE, packageRangeSource } from './internet-asn.js';
export { rangeToCidrs } from './ip-ranges.js';
export { acquireLock, type HeldLock, type LockOptions } from './lock.js';
export {
  packageInfo,
  type ReferenceList,
  type ReferenceListState,
  readReferenceLists,
  recordReferenceLists,
} from './reference-lists.js';
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
