export const RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type RangeKey = (typeof RANGES)[number];

export function RangePicker({ value, onChange }: { value: RangeKey; onChange: (r: RangeKey) => void }) {
  return (
    <fieldset className="range-picker" aria-label="time range">
      {RANGES.map((r) => (
        <button key={r} type="button" className={r === value ? 'active' : ''} onClick={() => onChange(r)}>
          {r}
        </button>
      ))}
    </fieldset>
  );
}
