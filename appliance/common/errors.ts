/**
 * The error catalogue of appliance/common, in the style of fastify's lib/errors.js:
 * one class per failure a user can act on, each with a stable `code`.
 * Services define their own catalogue in their own errors.ts and extend Ja4Error.
 */
export class Ja4Error extends Error {
  readonly code: string;
  /** Process exit status a CLI should use when this error ends a command. */
  readonly exitCode: number;

  constructor(code: string, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** A config key that the schema does not know (YAML file or JA4_* variable). */
export class ConfigUnknownKeyError extends Ja4Error {
  constructor(key: string, source: string, known: string) {
    super('JA4_ERR_CONFIG_KEY', `config: unknown key "${key}" (from ${source}); known keys here: ${known}`, {
      exitCode: 2,
    });
  }
}

/** A config value of the wrong type or out of range. */
export class ConfigValueError extends Ja4Error {
  constructor(key: string, value: unknown, allowed: string, source: string) {
    super(
      'JA4_ERR_CONFIG_VALUE',
      `config: ${key} = ${formatValue(value)} (from ${source}) is not allowed: ${allowed}`,
      { exitCode: 2 },
    );
  }
}

/** The YAML config file cannot be read or parsed. */
export class ConfigFileError extends Ja4Error {
  constructor(file: string, reason: string) {
    super('JA4_ERR_CONFIG_FILE', `config: cannot use ${file}: ${reason}`, { exitCode: 2 });
  }
}

/** clickhouse.url names no transport we know. */
export class ClickHouseUrlError extends Ja4Error {
  constructor(url: string) {
    super(
      'JA4_ERR_CLICKHOUSE_URL',
      `clickhouse.url = "${url}" is not usable: use http://host:8123, https://host:8443 or embedded:<directory>`,
      { exitCode: 2 },
    );
  }
}

/** Another process holds the embedded chDB data directory (one engine per directory). */
export class EmbeddedDirHeldError extends Ja4Error {
  constructor(dir: string, holder: string, cause?: unknown) {
    super(
      'JA4_ERR_EMBEDDED_HELD',
      `the embedded ClickHouse directory ${dir} is held by ${holder}; stop it, or run this through it ` +
        '(`ja4 up --seed`, or the dashboard admin routes), or point clickhouse.url at a ClickHouse server',
      { exitCode: 3, cause },
    );
  }
}

/** The chdb package (embedded engine) could not be loaded. */
export class EmbeddedUnavailableError extends Ja4Error {
  constructor(reason: string) {
    super(
      'JA4_ERR_EMBEDDED_UNAVAILABLE',
      `the embedded ClickHouse engine (npm package chdb) cannot be loaded: ${reason}; ` +
        'run `npm ci` on linux-x64/arm64, or set clickhouse.url to a ClickHouse server',
    );
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
