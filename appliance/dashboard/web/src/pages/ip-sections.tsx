import type { IpDetailResponse, IpRequestsResponse, RequestRow } from '../../../api/index';
import { BarList } from '../components/BarList';
import { Labels } from '../components/Labels';
import { Pager } from '../components/Pager';
import { FieldLink, Ja4Link } from '../components/Pivots';
import { type Column, Table } from '../components/Table';
import { num } from '../format';
import { type Route, setParams } from '../router';
import { fmtTime, useZone, type Zone, zoneName } from '../time';
import { useApi } from '../use-api';

type Keep = Record<string, string | undefined>;

export function IpTops({ d, keep }: { d: IpDetailResponse; keep: Keep }) {
  return (
    <div className="grid3">
      <BarList
        title="Paths"
        bars={d.paths.map((p) => ({
          key: p.path,
          label: <FieldLink field="path" value={p.path} range={keep} />,
          value: p.hits,
          note: p.methods.join(' '),
        }))}
      />
      <BarList
        title="Statuses"
        bars={d.statuses.map((p) => ({
          key: String(p.status),
          label: <FieldLink field="status" value={String(p.status)} range={keep} />,
          value: p.hits,
        }))}
      />
      <BarList
        title="User agents"
        bars={d.user_agents.map((p) => ({
          key: p.user_agent,
          label: <FieldLink field="ua" value={p.user_agent} range={keep} />,
          value: p.hits,
        }))}
      />
    </div>
  );
}

export function IpFingerprints({ d, keep, range }: { d: IpDetailResponse; keep: string; range: Keep }) {
  return (
    <section className="card">
      <h3>Fingerprints</h3>
      <Table
        rows={d.fingerprints}
        rowKey={(r) => r.ja4 || 'none'}
        columns={[
          { key: 'ja4', title: 'JA4', render: (r) => <Ja4Link ja4={r.ja4} keep={keep} range={range} /> },
          {
            key: 'ja3',
            title: 'JA3',
            render: (r) =>
              r.ja4 ? (
                <FieldLink field="ja3" value={r.ja3} range={range} />
              ) : (
                <span className="muted">no TLS</span>
              ),
          },
          {
            key: 'tcp',
            title: 'TCP SYN',
            render: (r) => `ttl ${r.tcp_ttl ?? '?'} win ${r.tcp_window ?? '?'} opts ${r.tcp_options || '?'}`,
          },
          { key: 'label', title: 'Label', render: (r) => <Labels values={[r.bot_ja4_label]} /> },
          { key: 'hits', title: 'Requests', className: 'num', render: (r) => num(r.hits) },
        ]}
      />
    </section>
  );
}

function requestColumns(zone: Zone, keep: Keep): Column<RequestRow>[] {
  return [
    {
      key: 'time',
      title: `Time (${zoneName(zone)})`,
      className: 'time small',
      render: (r) => fmtTime(r.time, zone),
    },
    {
      key: 'req',
      title: 'Request',
      render: (r) => (
        <>
          {r.method} <FieldLink field="host" value={r.host} range={keep} />
          <FieldLink field="path" value={r.path} range={keep} />
          {r.query ? `?${r.query}` : ''}
        </>
      ),
    },
    {
      key: 'status',
      title: 'Status',
      className: 'num',
      render: (r) => <FieldLink field="status" value={String(r.status)} range={keep} />,
    },
    {
      key: 'ua',
      title: 'User agent',
      render: (r) => (
        <span className="small">
          <FieldLink field="ua" value={r.user_agent} range={keep} />
        </span>
      ),
    },
  ];
}

const PAGE_SIZE = 50;

/** The address's requests, newest first, a page at a time (`rpage` in the URL). */
export function RecentRequests({
  ip,
  route,
  range,
  keep,
}: {
  ip: string;
  route: Route;
  range: Record<string, string | number | undefined>;
  keep: Keep;
}) {
  const zone = useZone();
  const page = Math.max(1, Number(route.params.get('rpage')) || 1);
  const { data, error } = useApi<IpRequestsResponse>(`/api/ips/${encodeURIComponent(ip)}/requests`, {
    ...range,
    page,
    page_size: PAGE_SIZE,
  });
  return (
    <section className="card">
      <h3>Requests</h3>
      {error && <p className="error">{error}</p>}
      <Table
        rows={error ? [] : data?.rows}
        rowKey={(_r, i) => String(i)}
        columns={requestColumns(zone, keep)}
        testId="requests"
      />
      <Pager
        page={data?.page ?? page}
        pageSize={PAGE_SIZE}
        shown={data?.rows.length ?? 0}
        total={error ? 0 : data?.total}
        noun="request"
        onPage={(p) => setParams({ rpage: p })}
        testId="requests-pager"
      />
    </section>
  );
}
