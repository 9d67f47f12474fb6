/** Why `ja4 up` is not running a part: turned off on purpose (idle), or skipped or failed (a warning). */
export interface Absent {
  reason: string;
  off: boolean;
}

export const isAbsent = (x: unknown): x is Absent =>
  typeof x === 'object' && x !== null && 'reason' in x && 'off' in x;
