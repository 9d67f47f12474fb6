import { createContext, useContext } from 'react';

/** The one time-zone setting: UTC (default) or the browser's zone. Every time shown says which. */
export type Zone = 'utc' | 'local';
export const ZoneContext = createContext<Zone>('utc');
export const useZone = () => useContext(ZoneContext);

const KEY = 'ja4.zone';
export function savedZone(): Zone {
  return window.localStorage.getItem(KEY) === 'local' ? 'local' : 'utc';
}
export function saveZone(z: Zone): void {
  window.localStorage.setItem(KEY, z);
}

/** The zone's name as shown next to times: "UTC", or the browser's zone name. */
export function zoneName(z: Zone): string {
  return z === 'utc' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
}

const toDate = (t: number | string) => (typeof t === 'number' ? new Date(t * 1000) : new Date(t));

function parts(d: Date, z: Zone) {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: z === 'utc' ? 'UTC' : undefined,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}`, s: p.second };
}

/** "2026-12-07 10:37:12" in the zone (Unix seconds or ISO text); '' for nothing. */
export function fmtTime(t: number | string, z: Zone, seconds = true): string {
  if (t === '' || t === 0) return '';
  const p = parts(toDate(t), z);
  return `${p.date} ${p.hm}${seconds ? `:${p.s}` : ''}`;
}

/** An hour bucket as the range it is: "2026-12-07 10:00–11:00". */
export function fmtHour(t: number | string, z: Zone): string {
  const d = toDate(t);
  const start = parts(d, z);
  const end = parts(new Date(d.getTime() + 3_600_000), z);
  return `${start.date} ${start.hm}–${end.date === start.date ? end.hm : `${end.date} ${end.hm}`}`;
}

/** A short axis label: the time of day, or the date for day-wide steps. */
export function fmtTick(t: number, z: Zone, stepS: number): string {
  const p = parts(toDate(t), z);
  return stepS >= 86_400 ? p.date.slice(5) : p.hm === '00:00' ? p.date.slice(5) : p.hm;
}
