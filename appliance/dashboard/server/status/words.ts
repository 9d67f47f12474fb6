/** Numbers and times as the status page shows them: plain words, never a 1970 date. */

export const NO_DATA = 'no data yet';

/** 1234567 → "1,234,567". */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A rate per second with sensible precision: 0/s, 0.4/s, 12/s, 1,250/s. */
export function perSecond(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  if (n === 0) return '0/s';
  return `${n < 1 ? n.toPrecision(1) : n < 10 ? n.toFixed(1) : count(n)}/s`;
}

/** Bytes in the largest unit below 1024 of the next (B, KiB, MiB, GiB). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** How long ago `iso` was, from `now`: "just now", "42 s ago", "5 min ago", "3 h ago"; NO_DATA for none. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return NO_DATA;
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return NO_DATA;
  const s = Math.round((now - t) / 1000);
  if (s < 2) return 'just now';
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

/** A span in the largest sensible unit: "42 s", "5 min", "3 h", "2 days". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** How long until `iso`: "in 40 s", "in 12 min", "due now" (past or due). */
export function until(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'not scheduled';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (!Number.isFinite(s)) return 'not scheduled';
  if (s <= 0) return 'due now';
  if (s < 120) return `in ${s} s`;
  if (s < 7200) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.round(s / 3600)} h`;
}

/** A ClickHouse DateTime string or epoch seconds; null for the zero time an empty max() returns. */
export function realTime(v: string | number | null | undefined): string | null {
  if (v === null || v === undefined || v === '' || v === 0 || v === '0') return null;
  const t = typeof v === 'number' ? v * 1000 : Date.parse(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`);
  if (!Number.isFinite(t) || t < 86_400_000) return null;
  return new Date(t).toISOString();
}
