import { Ja4Error } from '../../appliance/common/errors.js';

/**
 * The error catalogue of the seeding and traffic scripts (STYLE rule 5): each failure a user can
 * act on, with a stable code; the scripts print the message as one line and exit non-zero.
 */

/** A command-line option out of range. */
export class ScriptOptionError extends Ja4Error {
  constructor(option: string, value: unknown, allowed: string) {
    super('JA4_ERR_SCRIPT_OPTION', `--${option} = ${JSON.stringify(value)} is not allowed: ${allowed}`, {
      exitCode: 2,
    });
  }
}

/** The safety latch: seeding a ClickHouse server needs an explicit go-ahead. */
export class SeedLatchError extends Ja4Error {
  constructor(url: string) {
    super(
      'JA4_ERR_SEED_LATCH',
      `refusing to write demo data into the ClickHouse server ${url}: set CAN_SEED_DATABASE=1 (or pass --yes) if this server is yours to fill`,
      { exitCode: 2 },
    );
  }
}

/** The schema the seeder writes into is not there. */
export class SeedSchemaError extends Ja4Error {
  constructor(table: string, url: string) {
    super(
      'JA4_ERR_SEED_SCHEMA',
      `${table} does not exist in ${url}: run \`npx ja4 migrate up\` first, or pass --migrate`,
      { exitCode: 2 },
    );
  }
}

/** A benchmark needs a tool this machine does not have (Apache, wrk, valgrind). */
export class BenchPrerequisiteError extends Ja4Error {
  constructor(reason: string) {
    super('JA4_ERR_BENCH_PREREQUISITE', reason, { exitCode: 2 });
  }
}

/** The traffic generator only targets loopback or hosts the user vouches for. */
export class TrafficTargetError extends Ja4Error {
  constructor(host: string, addresses: readonly string[]) {
    super(
      'JA4_ERR_TRAFFIC_TARGET',
      `refusing to send traffic to ${host} (${addresses.join(', ') || 'unresolved'}): not a loopback address; pass --i-own-this-host if this host is yours`,
      { exitCode: 2 },
    );
  }
}
