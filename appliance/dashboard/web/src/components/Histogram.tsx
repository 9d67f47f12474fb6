import { num } from '../format';

export interface HistogramBucket {
  lo: number;
  hi: number;
  rows: number;
  flagged: number;
}

/** The detector's score distribution as bars, flagged part in red, with the threshold marked. */
export function Histogram({ buckets, threshold }: { buckets: HistogramBucket[]; threshold: number | null }) {
  const max = Math.max(1, ...buckets.map((b) => b.rows));
  // Square-root heights: the flagged tail is small next to the normal bulk but must stay visible.
  const h = (n: number) => (n === 0 ? 0 : Math.max(2, 100 * Math.sqrt(n / max)));
  return (
    <div className="histogram" data-testid="score-histogram">
      <div className="bars">
        {buckets.map((b) => (
          <div
            key={b.lo}
            className="hbar"
            title={`score ${b.lo.toFixed(3)}–${b.hi.toFixed(3)}: ${num(b.rows)} rows, ${num(b.flagged)} flagged`}
          >
            <div className="hbar-all" style={{ height: `${h(b.rows)}%` }} />
            <div className="hbar-flagged" style={{ height: `${h(b.flagged)}%` }} />
          </div>
        ))}
        {threshold !== null && (
          <div className="threshold" style={{ left: `${threshold * 100}%` }} data-testid="threshold">
            <span>threshold {threshold.toFixed(3)}</span>
          </div>
        )}
      </div>
      <div className="axis small muted">
        <span>0</span>
        <span>score (bar heights: square root of row counts)</span>
        <span>1</span>
      </div>
    </div>
  );
}
