import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** A stacked-looking line chart of request counts over time (uPlot: small and fast). */
export function TimeSeriesChart({
  t,
  series,
  height = 240,
}: {
  t: number[];
  series: Series[];
  height?: number;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const width = el.current.clientWidth || 800;
    const plot = new uPlot(
      {
        width,
        height,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: `${s.color}33`,
            width: 2,
            points: { show: false },
          })),
        ],
        axes: [{}, { size: 60 }],
        legend: { live: true },
      },
      [t, ...series.map((s) => s.values)],
      el.current,
    );
    const onResize = () => plot.setSize({ width: el.current?.clientWidth || width, height });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [t, series, height]);
  return <div ref={el} className="chart" data-testid="timeseries" />;
}
