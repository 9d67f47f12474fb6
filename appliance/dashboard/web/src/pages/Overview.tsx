import { useMemo, useState } from 'react';
import { BarList } from '../components/BarList';
import { Kpi } from '../components/Kpi';
import { type RangeKey, RangePicker } from '../components/RangePicker';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { href } from '../router';
import { useApi } from '../use-api';

interface OverviewData {
  kpis: Record<string, number>;
  series: { t: number[]; human: number[]; known_bot: number[]; anomalous: number[] };
  top_ja4: { ja4: string; hits: number; ips: number; known_bot: number }[];
  top_hosts: { host: string; hits: number; ips: number }[];
  top_asns: { asn: number; asn_name: string; asn_label: string; hits: number; ips: number }[];
}

export function Overview() {
  const [range, setRange] = useState<RangeKey>('24h');
  const [auto, setAuto] = useState(true);
  const { data, error, loading } = useApi<OverviewData>('/api/overview', { range }, auto ? 60_000 : 0);
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
        <RangePicker value={range} onChange={setRange} />
        <label className="small">
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> auto-refresh (1
          min)
        </label>
        {loading && <span className="muted small">loading…</span>}
      </div>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <div className="kpis" data-testid="kpis">
            <Kpi label="requests" value={data.kpis.requests} />
            <Kpi label="unique IPs" value={data.kpis.unique_ips} />
            <Kpi label="unique JA4s" value={data.kpis.unique_ja4} />
            <Kpi label="known-bot requests" value={data.kpis.known_bot_requests} tone="warn" />
            <Kpi label="anomalous IPs" value={data.kpis.anomalous_ips} tone="bad" />
          </div>
          <section className="card">
            <h3>Requests over time</h3>
            <TimeSeriesChart t={data.series.t} series={series} />
          </section>
          <div className="grid3">
            <BarList
              title="Top JA4"
              bars={data.top_ja4.map((r) => ({
                key: r.ja4,
                label: (
                  <a href={href.fingerprint(r.ja4)} className="mono">
                    {r.ja4}
                  </a>
                ),
                value: r.hits,
                note: `${r.ips} IPs${r.known_bot ? ' · known bot' : ''}`,
              }))}
            />
            <BarList
              title="Top hosts"
              bars={data.top_hosts.map((r) => ({
                key: r.host,
                label: r.host || '(none)',
                value: r.hits,
                note: `${r.ips} IPs`,
              }))}
            />
            <BarList
              title="Top ASNs"
              bars={data.top_asns.map((r) => ({
                key: String(r.asn),
                label: `AS${r.asn} ${r.asn_name}`,
                value: r.hits,
                note: `${r.asn_label || 'unlabelled'} · ${r.ips} IPs`,
              }))}
            />
          </div>
        </>
      )}
    </div>
  );
}
