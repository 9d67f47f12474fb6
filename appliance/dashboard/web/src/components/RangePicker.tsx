import { type FormEvent, useState } from 'react';
import { RANGE_PRESETS } from '../../../api/common';
import type { PageRange } from '../range';
import { setParams } from '../router';
import { fmtTime, useZone, type Zone, zoneName } from '../time';

/** "YYYY-MM-DDTHH:MM" in the zone, for a datetime-local input. */
function inputValue(t: number, z: Zone): string {
  return fmtTime(t, z, false).replace(' ', 'T');
}

/** Reads a datetime-local value in the zone as Unix seconds (NaN when empty or malformed). */
function readInput(v: string, z: Zone): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(v);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const ms = z === 'utc' ? Date.UTC(y, mo - 1, d, h, mi) : new Date(y, mo - 1, d, h, mi).getTime();
  return Math.floor(ms / 1000);
}

/** Presets plus a custom from/to (in the page's zone, labelled); both live in the URL. */
export function RangePicker({ range }: { range: PageRange }) {
  const zone = useZone();
  const now = Math.floor(Date.now() / 1000);
  const [from, setFrom] = useState(inputValue(range.from ?? now - 86_400, zone));
  const [to, setTo] = useState(inputValue(range.to ?? now, zone));
  const [error, setError] = useState('');
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = readInput(from, zone);
    const t = readInput(to, zone);
    if (!(f < t)) return setError('“from” must be before “to”');
    setError('');
    setParams({ range: undefined, from: f, to: t, page: undefined });
  };
  return (
    <div className="range-picker">
      <fieldset aria-label="time range">
        {RANGE_PRESETS.map((r) => (
          <button
            key={r}
            type="button"
            className={r === range.preset ? 'active' : ''}
            onClick={() => setParams({ range: r, from: undefined, to: undefined, page: undefined })}
          >
            {r}
          </button>
        ))}
      </fieldset>
      <form onSubmit={apply} className="custom-range" aria-label="custom range">
        <input
          type="datetime-local"
          aria-label="from"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <span>–</span>
        <input type="datetime-local" aria-label="to" value={to} onChange={(e) => setTo(e.target.value)} />
        <span className="muted small">{zoneName(zone)}</span>
        <button type="submit">Apply</button>
        {error && <span className="error small">{error}</span>}
      </form>
      {!range.preset && (
        <span className="small" data-testid="custom-range">
          {fmtTime(range.from ?? 0, zone, false)} – {fmtTime(range.to ?? 0, zone, false)} {zoneName(zone)}
        </span>
      )}
    </div>
  );
}
