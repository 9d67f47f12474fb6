import type { ReactNode } from 'react';

export interface Bar {
  key: string;
  label: ReactNode;
  value: number;
  note?: ReactNode;
}

/** A top-N list drawn as horizontal bars: values are text, widths are proportional. */
export function BarList({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <section className="card barlist" data-testid={`bars-${title.toLowerCase().replace(/\W+/g, '-')}`}>
      <h3>{title}</h3>
      {bars.length === 0 && <p className="muted">no data in this range</p>}
      <ul>
        {bars.map((b) => (
          <li key={b.key}>
            <div className="bar-label">
              <span>{b.label}</span>
              <span className="num">{b.value.toLocaleString('en-US')}</span>
            </div>
            <div className="bar" style={{ width: `${(100 * b.value) / max}%` }} />
            {b.note && <div className="muted small">{b.note}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
