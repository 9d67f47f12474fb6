import { Ja4Error } from '../common/index.js';

/**
 * The correlator's error catalogue (STYLE rule 5): one class per failure, stable codes
 * JA4_ERR_CORRELATOR_<WHAT>. Tests match on `code`.
 */

/** A live process already listens on the socket path (another correlator, or `ja4 up`). */
export class SocketInUseError extends Ja4Error {
  constructor(path: string) {
    super(
      'JA4_ERR_CORRELATOR_SOCKET_IN_USE',
      `socket ${path} is in use by a running process (another correlator or \`ja4 up\`); stop it or set sockets.* to another path`,
      { exitCode: 3 },
    );
  }
}

/** The socket path exists and is not a socket: never deleted for the user. */
export class SocketPathError extends Ja4Error {
  constructor(path: string, reason: string) {
    super('JA4_ERR_CORRELATOR_SOCKET_PATH', `cannot listen on ${path}: ${reason}`, { exitCode: 2 });
  }
}

/** sockets.group names no group of this system. */
export class SocketGroupError extends Ja4Error {
  constructor(group: string) {
    super(
      'JA4_ERR_CORRELATOR_SOCKET_GROUP',
      `sockets.group = "${group}" is not a group on this system (see /etc/group), nor a numeric gid`,
      { exitCode: 2 },
    );
  }
}

/** The log (correlator.spool_dir) or the dead-letter file cannot be written or read (permissions, disk). */
export class LogIoError extends Ja4Error {
  constructor(path: string, cause: unknown) {
    super(
      'JA4_ERR_CORRELATOR_LOG_IO',
      `correlator log ${path}: ${(cause as Error)?.message ?? String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** A record of the log is damaged (its checksum does not match): what it held cannot be read back. */
export class LogRecordError extends Ja4Error {
  constructor(dir: string, segment: number, offset: number) {
    super(
      'JA4_ERR_CORRELATOR_LOG_RECORD',
      `correlator log ${dir}: the record at segment ${segment}, offset ${offset} is damaged (checksum mismatch)`,
    );
  }
}

/** A batch id that cannot be used as a deduplication token or file name (programmer error guard). */
export class BatchIdError extends Ja4Error {
  constructor(id: string) {
    super('JA4_ERR_CORRELATOR_BATCH_ID', `batch id ${JSON.stringify(id)} is not of the form [A-Za-z0-9_-]+`);
  }
}

/** correlator.sink = clickhouse but the service was started without a ClickHouse handle. */
export class SinkConfigError extends Ja4Error {
  constructor(reason: string) {
    super('JA4_ERR_CORRELATOR_SINK', `correlator sink: ${reason}`, { exitCode: 2 });
  }
}
