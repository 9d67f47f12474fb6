import { describe, expect, it } from 'vitest';
import {
  classifyClickHouseError,
  describeRefusal,
} from '../../../../../appliance/correlator/adapters/clickhouse-refusal.js';

const ch = (code: string, type: string, message: string) => Object.assign(new Error(message), { code, type });

describe('classifyClickHouseError', () => {
  it.each([
    [ch('252', 'TOO_MANY_PARTS', 'Too many partitions for single INSERT block (more than 100).'), 'rows'],
    [ch('469', 'VIOLATED_CONSTRAINT', 'Constraint `c` ... is violated at row 1'), 'rows'],
    [ch('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'Cannot parse input'), 'rows'],
    [
      ch(
        '252',
        'TOO_MANY_PARTS',
        'Too many parts (300). Merges are processing significantly slower than inserts',
      ),
      'transient',
    ],
    [ch('241', 'MEMORY_LIMIT_EXCEEDED', 'Memory limit (total) exceeded'), 'transient'],
    [ch('159', 'TIMEOUT_EXCEEDED', 'Timeout exceeded'), 'transient'],
    [ch('60', 'UNKNOWN_TABLE', 'Table ja4_processing.http_logs_raw does not exist'), 'transient'],
    [ch('516', 'AUTHENTICATION_FAILED', 'Authentication failed'), 'transient'],
    [ch('242', 'TABLE_IS_READ_ONLY', 'Table is in readonly mode'), 'transient'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), 'transient'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    [new Error('Timeout error.'), 'transient'],
    [undefined, 'transient'],
  ] as const)('%s → %s', (err, expected) => {
    expect(classifyClickHouseError(err)).toBe(expected);
  });

  it('describes a refusal in one line', () => {
    expect(describeRefusal(ch('469', 'VIOLATED_CONSTRAINT', 'Constraint violated\nstack...'))).toBe(
      '469 VIOLATED_CONSTRAINT: Constraint violated',
    );
    expect(describeRefusal(new Error('plain'))).toBe('plain');
  });
});
