import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fmtTick, fmtTime, useZone, type Zone, zoneName } from '../time';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

export interface ChartProps {
  t: number[];
  series: Series[];
  /** The page's range: the x axis spans exactly it. */
  from: number;
  to: number;
  step: number;
  height?: number;
  /** Called with the dragged span (Unix seconds): the page refilters to it. */
  onZoom?: (from: number, to: number) => void;
}

type Zoom = { current: ChartProps['onZoom'] };

function options(p: ChartProps, zone: Zone, width: number, zoom: Zoom): uPlot.Options {
  return {
    width,
    height: p.height ?? 240,
    // The series are counts per bucket: a step line shows each bucket as the range it is.
    series: [
      { value: (_u, v) => (v === null ? '' : fmtTime(v, zone, false)) },
      ...p.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        fill: `${s.color}33`,
        width: 1.5,
        points: { show: false },
        paths: uPlot.paths.stepped?.({ align: 1 }),
      })),
    ],
    scales: { x: { time: true, range: () => [p.from, p.to] } },
    axes: [{ space: 70, values: (_u, splits) => splits.map((v) => fmtTick(v, zone, p.step)) }, { size: 60 }],
    cursor: { drag: { x: true, y: false, setScale: false } },
    legend: { live: true },
    hooks: {
      // What uPlot drew, on the element: the x scale it settled on and how many points it has
      // (for a person inspecting the page, and for the browser tests).
      setScale: [
        (u, key) => {
          if (key !== 'x') return;
          u.root.parentElement?.setAttribute('data-x-min', String(u.scales.x.min));
          u.root.parentElement?.setAttribute('data-x-max', String(u.scales.x.max));
          u.root.parentElement?.setAttribute('data-points', String(u.data[0].length));
        },
      ],
      setSelect: [
        (u) => {
          const onZoom = zoom.current;
          if (u.select.width < 5 || !onZoom) return;
          const a = Math.floor(u.posToVal(u.select.left, 'x'));
          const b = Math.ceil(u.posToVal(u.select.left + u.select.width, 'x'));
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (b > a) onZoom(a, b);
        },
      ],
    },
  };
}

/** Request counts over the page's range (uPlot: small and fast); drag across it to zoom in. */
export function TimeSeriesChart(p: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const zone = useZone();
  // The zoom handler changes with every render of the page; the chart is rebuilt only when its
  // data, range or zone change (a rebuild mid-drag would lose the selection).
  const zoom = useRef(p.onZoom);
  zoom.current = p.onZoom;
  const { t, series, from, to, step, height } = p;
  // biome-ignore lint/correctness/useExhaustiveDependencies: p's fields are listed one by one.
  useEffect(() => {
    if (!el.current) return;
    const width = el.current.clientWidth || 800;
    const plot = new uPlot(options(p, zone, width, zoom), [t, ...series.map((s) => s.values)], el.current);
    const onResize = () => plot.setSize({ width: el.current?.clientWidth || width, height: height ?? 240 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [t, series, from, to, step, height, zone]);
  return (
    <figure className="chart-box">
      <div ref={el} className="chart" data-testid="timeseries" />
      <figcaption className="muted small">
        times in {zoneName(zone)}; each point counts one{' '}
        {p.step >= 3600 ? `${p.step / 3600}-hour` : `${p.step / 60}-minute`} bucket
        {p.onZoom ? '; drag across the chart to zoom in' : ''}
      </figcaption>
    </figure>
  );
}
