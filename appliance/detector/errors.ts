import { Ja4Error } from '../common/index.js';

/**
 * The detector's error catalogue (STYLE rule 5): one class per failure a user or caller can act
 * on, each with a stable `code` that tests and logs match on.
 */

/** A feature matrix handed to the model holds a value it cannot split on (NaN or ±Infinity). */
export class ModelInputError extends Ja4Error {
  constructor(row: number, col: number, value: number) {
    super(
      'JA4_ERR_DETECTOR_MODEL_INPUT',
      `model input row ${row}, feature ${col} is ${value}: features must be finite numbers`,
    );
  }
}

/** Scoring was asked with a different number of features than the model was trained on. */
export class ModelShapeError extends Ja4Error {
  constructor(expected: number, got: number) {
    super(
      'JA4_ERR_DETECTOR_MODEL_SHAPE',
      `the model was trained on ${expected} features but was given ${got}`,
    );
  }
}

/** A saved model file cannot be read, or is not a model this version understands. */
export class ModelFileError extends Ja4Error {
  constructor(source: string, reason: string) {
    super('JA4_ERR_DETECTOR_MODEL_FILE', `cannot load the model from ${source}: ${reason}`);
  }
}

/** A training set with no rows. */
export class ModelEmptyError extends Ja4Error {
  constructor() {
    super('JA4_ERR_DETECTOR_MODEL_EMPTY', 'cannot train an Isolation Forest on zero rows');
  }
}

/** POST /run or runOnce() while a cycle is already running. */
export class CycleBusyError extends Ja4Error {
  constructor(cycleId: string, startedAt: string) {
    super(
      'JA4_ERR_DETECTOR_BUSY',
      `a detector cycle is already running (cycle ${cycleId}, started ${startedAt})`,
    );
  }
}

/** A table or view the detector reads or writes does not exist: the schema is not migrated. */
export class SchemaMissingError extends Ja4Error {
  constructor(object: string, cause?: unknown) {
    super(
      'JA4_ERR_DETECTOR_SCHEMA',
      `ja4_processing.${object} does not exist: run \`ja4 migrate up\` (or \`ja4 up\`, which migrates) first`,
      { cause, exitCode: 2 },
    );
  }
}

/** A cycle failed while talking to ClickHouse; the message names the step. */
export class CycleQueryError extends Ja4Error {
  constructor(step: string, cause: unknown) {
    super(
      'JA4_ERR_DETECTOR_QUERY',
      `detector cycle failed while ${step}: ${(cause as Error)?.message?.split('\n')[0] ?? String(cause)}`,
      { cause },
    );
  }
}
