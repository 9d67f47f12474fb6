import { useMemo } from 'react';
import type { IpDetailResponse, Explanation as Why } from '../../../api/index';
import { Reasons } from '../components/Reasons';
import { type Column, Table } from '../components/Table';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { score } from '../format';
import { fmtHour, useZone } from '../time';

const value = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(2));

const featureColumns: Column<Why['features'][number]>[] = [
  { key: 'label', title: 'Feature', render: (f) => f.label },
  { key: 'value', title: 'This row', className: 'num', render: (f) => value(f.value) },
  { key: 'typical', title: 'Typical human', className: 'num', render: (f) => value(f.typical) },
];

/** Why the address's most telling row was flagged, or how far it stayed below the threshold. */
export function Explanation({ e }: { e: Why | null }) {
  const zone = useZone();
  if (!e)
    return (
      <section className="card">
        <h3>Why</h3>
        <p className="muted">not scored by the detector in this range</p>
      </section>
    );
  const gap = e.threshold - e.score;
  return (
    <section className="card" data-testid="explanation">
      <h3>Why {e.flagged ? 'flagged' : 'not flagged'}</h3>
      <p>
        Hour {fmtHour(e.hour, zone)}, host {e.host || '—'}, {e.ja4 ? `JA4 ${e.ja4}` : 'no TLS'}: score{' '}
        {score(e.score)}{' '}
        {e.flagged
          ? `is at or above the threshold ${score(e.threshold)}.`
          : `is ${score(gap)} below the threshold ${score(e.threshold)}; the features nearest their typical human value kept it normal.`}
      </p>
      {e.flagged && <Reasons reasons={e.reasons} />}
      <Table
        columns={featureColumns}
        rows={e.flagged ? e.features : [...e.features].reverse()}
        rowKey={(f) => f.name}
        testId="features"
      />
    </section>
  );
}

/** Each hour's highest current score against the threshold. */
export function ScoreHistory({ d }: { d: IpDetailResponse }) {
  const chart = useMemo(() => {
    const byHour = new Map<number, { score: number; threshold: number }>();
    for (const s of d.scores) {
      const cur = byHour.get(s.hour);
      if (!cur || s.score > cur.score) byHour.set(s.hour, { score: s.score, threshold: s.threshold });
    }
    const hours = [...byHour.keys()].sort((a, b) => a - b);
    return {
      t: hours,
      series: [
        { label: 'score', color: '#6a1b9a', values: hours.map((h) => byHour.get(h)?.score ?? 0) },
        { label: 'threshold', color: '#c62828', values: hours.map((h) => byHour.get(h)?.threshold ?? 0) },
      ],
    };
  }, [d]);
  if (d.scores.length === 0) return null;
  return (
    <section className="card" data-testid="score-history">
      <h3>Score history</h3>
      <TimeSeriesChart
        t={chart.t}
        series={chart.series}
        from={d.range.from}
        to={d.range.to}
        step={3600}
        height={160}
      />
    </section>
  );
}
