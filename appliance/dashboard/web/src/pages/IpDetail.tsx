import { useMemo, useState } from 'react';
import { BarList } from '../components/BarList';
import { Kpi } from '../components/Kpi';
import { Labels } from '../components/Labels';
import { type RangeKey, RangePicker } from '../components/RangePicker';
import { Table } from '../components/Table';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { href } from '../router';
import { useApi } from '../use-api';

type Row = Record<string, string | number | null>;
interface IpData {
  ip: string;
  summary: Row & { hosts: string[] };
  timeline: { t: number; hits: number; errors: number }[];
  paths: (Row & { methods: string[] })[];
  statuses: Row[];
  fingerprints: Row[];
  user_agents: Row[];
  recent: Row[];
  scores: Row[];
  recurrence: Row | null;
}

export function IpDetail({ ip }: { ip: string }) {
  const [range, setRange] = useState<RangeKey>('24h');
  const { data, error } = useApi<IpData>(`/api/ips/${encodeURIComponent(ip)}`, { range });
  const series = useMemo(
    () =>
      data
        ? [
            { label: 'requests', color: '#1565c0', values: data.timeline.map((p) => p.hits) },
            { label: '4xx/5xx', color: '#c62828', values: data.timeline.map((p) => p.errors) },
          ]
        : [],
    [data],
  );
  const s = data?.summary;
  return (
    <div>
      <div className="toolbar">
        <h2>
          IP <span className="mono">{ip}</span>
        </h2>
        <RangePicker value={range} onChange={setRange} />
      </div>
      {error && <p className="error">{error}</p>}
      {data && s && Number(s.requests) === 0 && (
        <p className="muted">no requests from this address in the range</p>
      )}
      {data && s && Number(s.requests) > 0 && (
        <>
          <div className="kpis">
            <Kpi label="requests" value={Number(s.requests)} />
            <Kpi label={`AS${s.asn}`} value={String(s.asn_name || '—')} />
            <Kpi label="days flagged (30d)" value={Number(data.recurrence?.days_flagged ?? 0)} tone="bad" />
            <Kpi
              label="max score"
              value={data.recurrence ? Number(data.recurrence.max_score).toFixed(3) : '—'}
            />
          </div>
          <p>
            <Labels values={[String(s.asn_label ?? ''), String(s.bot_ip_label ?? '')]} /> first seen{' '}
            {String(s.first_seen)}, last seen {String(s.last_seen)}
          </p>
          <section className="card">
            <h3>Timeline</h3>
            <TimeSeriesChart t={data.timeline.map((p) => p.t)} series={series} height={180} />
          </section>
          <div className="grid3">
            <BarList
              title="Paths"
              bars={data.paths.map((p) => ({
                key: String(p.path),
                label: String(p.path),
                value: Number(p.hits),
              }))}
            />
            <BarList
              title="Statuses"
              bars={data.statuses.map((p) => ({
                key: String(p.status),
                label: String(p.status),
                value: Number(p.hits),
              }))}
            />
            <BarList
              title="User agents"
              bars={data.user_agents.map((p) => ({
                key: String(p.user_agent),
                label: String(p.user_agent || '(none)'),
                value: Number(p.hits),
              }))}
            />
          </div>
          <section className="card">
            <h3>Fingerprints</h3>
            <Table
              rows={data.fingerprints}
              rowKey={(r) => String(r.ja4)}
              columns={[
                {
                  key: 'ja4',
                  title: 'JA4',
                  render: (r) =>
                    r.ja4 ? (
                      <a className="mono" href={href.fingerprint(String(r.ja4))}>
                        {String(r.ja4)}
                      </a>
                    ) : (
                      '(no TLS)'
                    ),
                },
                {
                  key: 'ja3',
                  title: 'JA3',
                  render: (r) => <span className="mono small">{String(r.ja3)}</span>,
                },
                {
                  key: 'tcp',
                  title: 'TCP SYN',
                  render: (r) =>
                    `ttl ${r.tcp_ttl ?? '?'} win ${r.tcp_window ?? '?'} opts ${r.tcp_options || '?'}`,
                },
                {
                  key: 'label',
                  title: 'Label',
                  render: (r) => <Labels values={[String(r.bot_ja4_label ?? '')]} />,
                },
                {
                  key: 'hits',
                  title: 'Requests',
                  className: 'num',
                  render: (r) => Number(r.hits).toLocaleString(),
                },
              ]}
            />
          </section>
          <section className="card">
            <h3>Score history</h3>
            <Table
              rows={data.scores}
              rowKey={(r) => `${r.hour}-${r.ja4}-${r.host}`}
              columns={[
                {
                  key: 'hour',
                  title: 'Hour (UTC)',
                  render: (r) => new Date(Number(r.hour) * 1000).toISOString().slice(0, 16).replace('T', ' '),
                },
                { key: 'host', title: 'Host', render: (r) => String(r.host) },
                {
                  key: 'ja4',
                  title: 'JA4',
                  render: (r) => <span className="mono small">{String(r.ja4)}</span>,
                },
                { key: 'score', title: 'Score', className: 'num', render: (r) => Number(r.score).toFixed(3) },
                { key: 'is_anomaly', title: 'Anomaly', render: (r) => (Number(r.is_anomaly) ? 'yes' : '') },
              ]}
            />
          </section>
          <section className="card">
            <h3>Recent requests</h3>
            <Table
              rows={data.recent}
              rowKey={(_r, i) => String(i)}
              columns={[
                { key: 'time', title: 'Time', render: (r) => String(r.time).replace('T', ' ') },
                {
                  key: 'req',
                  title: 'Request',
                  render: (r) => `${r.method} ${r.host}${r.path}${r.query ? `?${r.query}` : ''}`,
                },
                { key: 'status', title: 'Status', render: (r) => String(r.status) },
                {
                  key: 'ua',
                  title: 'User agent',
                  render: (r) => <span className="small">{String(r.user_agent)}</span>,
                },
              ]}
            />
          </section>
        </>
      )}
    </div>
  );
}
