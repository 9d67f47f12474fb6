import type { CorrelatorStatus } from './service.js';

/** The dashboard status page's line on dead letters: how many rows, how much, the last reason. */
export function deadLetterSummary(s: Pick<CorrelatorStatus, 'deadLetters'>): string {
  const { rows, bytes, lastReason } = s.deadLetters;
  if (rows === 0) return 'no rows refused by ClickHouse';
  const kib = Math.ceil(bytes / 1024);
  return `${rows} row${rows === 1 ? '' : 's'} refused by ClickHouse in the dead-letter file (${kib} KiB); last: ${lastReason}`;
}
