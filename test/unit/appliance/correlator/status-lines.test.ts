import { describe, expect, it } from 'vitest';
import { deadLetterSummary } from '../../../../appliance/correlator/status-lines.js';

describe('deadLetterSummary', () => {
  it('says how many rows ClickHouse refused and why the last one was', () => {
    expect(deadLetterSummary({ deadLetters: { rows: 0, bytes: 0, lastReason: '' } })).toBe(
      'no rows refused by ClickHouse',
    );
    expect(
      deadLetterSummary({ deadLetters: { rows: 3, bytes: 2500, lastReason: '469 VIOLATED_CONSTRAINT: x' } }),
    ).toBe('3 rows refused by ClickHouse in the dead-letter file (3 KiB); last: 469 VIOLATED_CONSTRAINT: x');
  });
});
