import { type FormEvent, useState } from 'react';
import { RANGE_PRESET_SECONDS, RANGE_PRESETS } from '../../../api/common';
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
  const to = range.to ?? now;
  const from = range.from ?? to - RANGE_PRESET_SECONDS[range.preset ?? '24h'];
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
      {/* Keyed by the range shown: a new preset, range or zone starts the inputs from it again. */}
      <CustomRange
        key={`${range.preset}|${range.from}|${range.to}|${zone}`}
        from={from}
        to={to}
        zone={zone}
      />
      {!range.preset && (
        <span className="small" data-testid="custom-range">
          {fmtTime(range.from ?? 0, zone, false)} – {fmtTime(range.to ?? 0, zone, false)} {zoneName(zone)}
        </span>
      )}
    </div>
  );
}

/** The custom from/to inputs, starting at the range the page shows. */
function CustomRange(p: { from: number; to: number; zone: Zone }) {
  const [from, setFrom] = useState(inputValue(p.from, p.zone));
  const [to, setTo] = useState(inputValue(p.to, p.zone));
  const [error, setError] = useState('');
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = readInput(from, p.zone);
    const t = readInput(to, p.zone);
    if (!(f < t)) return setError('“from” must be before “to”');
    setError('');
    setParams({ range: undefined, from: f, to: t, page: undefined });
  };
  return (
    <form onSubmit={apply} className="custom-range" aria-label="custom range">
      <input type="datetime-local" aria-label="from" value={from} onChange={(e) => setFrom(e.target.value)} />
      <span>–</span>
      <input type="datetime-local" aria-label="to" value={to} onChange={(e) => setTo(e.target.value)} />
      <span className="muted small">{zoneName(p.zone)}</span>
      <button type="submit">Apply</button>
      {error && <span className="error small">{error}</span>}
    </form>
  );
}
