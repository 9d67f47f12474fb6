import type { ReactNode } from 'react';

export interface Bar {
  key: string;
  label: ReactNode;
  value: number;
  note?: ReactNode;
}

/**
 * A top-N list drawn as horizontal bars: values are text, widths are proportional. Its test id is
 * `bars-<testId>`, by default the title's words: a list that means the same on several pages
 * (user agents) keeps one id whatever its title says there.
 */
export function BarList({ title, bars, testId }: { title: string; bars: Bar[]; testId?: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const id = testId ?? title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section className="card barlist" data-testid={`bars-${id}`}>
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
