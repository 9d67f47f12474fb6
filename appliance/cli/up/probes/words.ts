/** The status page's wording, as the dashboard words its own rows. */
export { ago, bytes, count, perSecond, serviceReport as report } from '../../../dashboard/index.js';

/** ms since the epoch to ISO, null for none. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
