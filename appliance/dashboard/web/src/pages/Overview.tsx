import { useMemo, useState } from 'react';
import type { DetectionsResponse, OverviewResponse, SignalsResponse } from '../../../api/index';
import { BarList } from '../components/BarList';
import { Histogram } from '../components/Histogram';
import { Kpi } from '../components/Kpi';
import { AsnLink, FieldLink, Ja4Link } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { plural } from '../format';
import { type PageRange, rangeKeys, rangeOf } from '../range';
import { href, type Route, setParams } from '../router';
import { fmtTime, useZone } from '../time';
import { useApi } from '../use-api';

/** The one definition of "anomalous IPs", said wherever the number is shown. */
export const ANOMALOUS_IPS =
  'addresses the detector’s newest cycle flags in the range, allow-listed ones excluded';

function Detections({ d }: { d: DetectionsResponse }) {
  return (
    <div className="grid2">
      <section className="card">
        <h3>Score distribution</h3>
        <p className="muted small">
          {plural(d.scored_rows, 'scored row')} (one per hour, host, address and JA4; known bots included);
          scores at or above the threshold are flagged
        </p>
        <Histogram buckets={d.histogram} threshold={d.threshold} />
      </section>
      <BarList
        title="Top detection reasons"
        bars={d.top_reasons.map((r) => ({
          key: `${r.code}-${r.words}`,
          label: r.words,
          value: r.rows,
          note: `${plural(r.ips, 'address', 'addresses')}`,
        }))}
      />
    </div>
  );
}

function NewFingerprints({ keep, range }: { keep: string; range: Record<string, string | undefined> }) {
  const zone = useZone();
  const { data } = useApi<SignalsResponse>('/api/signals', {
    ...range,
    new_only: true,
    page_size: 10,
    sort: 'requests',
  });
  return (
    <BarList
      title="New fingerprints (first seen in the last 24 h)"
      bars={(data?.rows ?? []).map((s) => ({
        key: s.ja4,
        label: <Ja4Link ja4={s.ja4} keep={keep} range={range} />,
        value: s.requests,
        note: `first seen ${fmtTime(s.first_seen, zone, false)} · ${plural(s.ips, 'address', 'addresses')}`,
      }))}
    />
  );
}

function Kpis({ data, range }: { data: OverviewResponse; range: PageRange }) {
  return (
    <div className="kpis" data-testid="kpis">
      <Kpi label="requests" value={data.kpis.requests} />
      <Kpi label="unique IPs" value={data.kpis.unique_ips} />
      <Kpi label="unique JA4s" value={data.kpis.unique_ja4} />
      <Kpi label="known-bot requests" value={data.kpis.known_bot_requests} tone="warn" />
      <a className="kpi-link" href={href.anomalies(range.keep)} data-testid="kpi-anomalous">
        <Kpi
          label="anomalous IPs (known bots excluded)"
          value={data.kpis.anomalous_ips}
          tone={data.kpis.anomalous_ips > 0 ? 'bad' : undefined}
          hint={`${ANOMALOUS_IPS}; known bots excluded`}
        />
      </a>
    </div>
  );
}

function TopLists({ data, range }: { data: OverviewResponse; range: PageRange }) {
  const keys = rangeKeys(range);
  return (
    <div className="grid3">
      <NewFingerprints keep={range.keep} range={keys} />
      <BarList
        title="Top JA4"
        bars={data.top_ja4.map((r) => ({
          key: r.ja4,
          label: <Ja4Link ja4={r.ja4} keep={range.keep} range={keys} />,
          value: r.hits,
          note: `${plural(r.ips, 'source IP')}${r.known_bot ? ' · known bot' : ''}`,
        }))}
      />
      <BarList
        title="Top hosts"
        bars={data.top_hosts.map((r) => ({
          key: r.host,
          label: <FieldLink field="host" value={r.host} range={keys} />,
          value: r.hits,
          note: plural(r.ips, 'source IP'),
        }))}
      />
      <BarList
        title="Top ASNs"
        bars={data.top_asns.map((r) => ({
          key: String(r.asn),
          label: <AsnLink asn={r.asn} name={r.asn_name} range={keys} />,
          value: r.hits,
          note: `${r.asn_label || 'unlabelled'} · ${plural(r.ips, 'source IP')}`,
        }))}
      />
    </div>
  );
}

export function Overview({ route }: { route: Route }) {
  const range = rangeOf(route);
  const [auto, setAuto] = useState(true);
  const refresh = auto && range.preset ? 60_000 : 0;
  const { data, error, loading } = useApi<OverviewResponse>('/api/overview', range.params, refresh);
  // Asked once the overview has answered: on the embedded engine queries run one at a time, and
  // the headline numbers and chart come first.
  const det = useApi<DetectionsResponse>(
    data ? '/api/overview/detections' : undefined,
    range.params,
    refresh,
  );
  const series = useMemo(
    () =>
      data
        ? [
            { label: 'human', color: '#2e7d32', values: data.series.human },
            { label: 'known bot', color: '#c62828', values: data.series.known_bot },
            { label: 'anomalous', color: '#ef6c00', values: data.series.anomalous },
          ]
        : [],
    [data],
  );
  return (
    <div>
      <div className="toolbar">
        <h2>Overview</h2>
        <RangePicker range={range} />
        <label className="small">
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> auto-refresh (1
          min)
        </label>
        {loading && <span className="muted small">loading…</span>}
      </div>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <Kpis data={data} range={range} />
          <section className="card">
            <h3>Requests over time</h3>
            <TimeSeriesChart
              t={data.series.t}
              series={series}
              from={data.range.from}
              to={data.range.to}
              step={data.range.step}
              onZoom={(from, to) => setParams({ range: undefined, from, to })}
            />
          </section>
          {det.data && <Detections d={det.data} />}
          <TopLists data={data} range={range} />
        </>
      )}
    </div>
  );
}
