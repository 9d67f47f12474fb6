import type { FingerprintIpsResponse, FingerprintResponse } from '../../../api/index';
import { BarList } from '../components/BarList';
import { Histogram } from '../components/Histogram';
import { Labels } from '../components/Labels';
import { Pager } from '../components/Pager';
import { AsnLink, FieldLink, IpLink } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { Table } from '../components/Table';
import { num, pct, plural } from '../format';
import { rangeKeys, rangeOf } from '../range';
import { href, type Route, setParams } from '../router';
import { fmtTime, useZone, zoneName } from '../time';
import { useApi } from '../use-api';

const PARTS: [keyof FingerprintResponse['decoded'], string][] = [
  ['protocol', 'Protocol'],
  ['tls_version', 'TLS version'],
  ['sni', 'SNI'],
  ['cipher_count', 'Cipher suites'],
  ['extension_count', 'Extensions'],
  ['alpn', 'ALPN'],
  ['cipher_hash', 'Cipher hash (JA4_b)'],
  ['extension_hash', 'Extension hash (JA4_c)'],
];
const PAGE_SIZE = 50;

function Decoded({ d, keep }: { d: FingerprintResponse; keep: Record<string, string | undefined> }) {
  const zone = useZone();
  const s = d.summary;
  const a = d.decoded.ja4.split('_')[0];
  return (
    <section className="card">
      <h3>
        Decoded <Labels values={[d.known_label.label]} />
      </h3>
      {d.known_label.note && <p className="muted">{d.known_label.note}</p>}
      <dl className="decoded" data-testid="ja4-decoded">
        {PARTS.map(([k, title]) => (
          <div key={k}>
            <dt>{title}</dt>
            <dd>{String(d.decoded[k] ?? '—')}</dd>
          </div>
        ))}
      </dl>
      <p className="small" data-testid="ja4-signals">
        {plural(s.requests, 'request')} from {plural(s.ips, 'source IP')} in {plural(s.asns, 'AS', 'ASes')};{' '}
        {plural(s.user_agents, 'user agent')}, {plural(s.paths, 'path')};{' '}
        {pct(
          s.requests > s.known_bot_requests ? s.flagged_requests / (s.requests - s.known_bot_requests) : 0,
        )}{' '}
        of non-bot requests on flagged rows. First seen here {fmtTime(s.first_seen, zone)}, last{' '}
        {fmtTime(s.last_seen, zone)} ({zoneName(zone)}). Same JA4_a:{' '}
        <a href={href.search(`ja4:${a}_*`, keep)}>{a}_*</a>. JA3:{' '}
        {s.ja3s.length === 0
          ? '—'
          : s.ja3s.map((j) => <FieldLink key={j} field="ja3" value={j} range={keep} />)}
      </p>
      {s.ja4_r && <pre className="raw">{s.ja4_r}</pre>}
    </section>
  );
}

function Ips({ ja4, route }: { ja4: string; route: Route }) {
  const range = rangeOf(route, '7d');
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const { data, error } = useApi<FingerprintIpsResponse>(`/api/fingerprints/${encodeURIComponent(ja4)}/ips`, {
    ...range.params,
    page,
    page_size: PAGE_SIZE,
  });
  const keep = rangeKeys(range);
  return (
    <section className="card">
      <h3>IPs using it</h3>
      {error && <p className="error">{error}</p>}
      <Table
        rows={error ? [] : data?.rows}
        rowKey={(r) => r.ip}
        testId="fingerprint-ips"
        columns={[
          { key: 'ip', title: 'IP', render: (r) => <IpLink ip={r.ip} keep={range.keep} /> },
          { key: 'asn', title: 'ASN', render: (r) => <AsnLink asn={r.asn} name={r.asn_name} range={keep} /> },
          {
            key: 'labels',
            title: 'Labels',
            render: (r) => <Labels values={[r.asn_label, r.bot_ip_label]} />,
          },
          { key: 'hits', title: 'Requests', className: 'num', render: (r) => num(r.hits) },
        ]}
      />
      <Pager
        page={data?.page ?? page}
        pageSize={PAGE_SIZE}
        shown={data?.rows.length ?? 0}
        total={error ? 0 : data?.total}
        estimated={data?.total_estimated}
        noun="IP"
        onPage={(p) => setParams({ page: p })}
      />
    </section>
  );
}

export function Fingerprint({ route }: { route: Route }) {
  const ja4 = route.arg;
  const range = rangeOf(route, '7d');
  const keep = rangeKeys(range);
  const { data, error } = useApi<FingerprintResponse>(
    `/api/fingerprints/${encodeURIComponent(ja4)}`,
    range.params,
  );
  return (
    <div>
      <div className="toolbar">
        <h2>
          JA4 <span className="mono">{ja4}</span>
        </h2>
        <RangePicker range={range} />
      </div>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <Decoded d={data} keep={keep} />
          <div className="grid3">
            <section className="card">
              <h3>Detector scores of its rows</h3>
              <Histogram buckets={data.scores.histogram} threshold={data.scores.threshold} />
            </section>
            <BarList
              title="User agents (most frequent)"
              testId="user-agents"
              bars={data.user_agents.map((r) => ({
                key: r.user_agent,
                label: <FieldLink field="ua" value={r.user_agent} range={keep} />,
                value: r.hits,
              }))}
            />
            <BarList
              title="Hosts"
              bars={data.hosts.map((r) => ({
                key: r.host,
                label: <FieldLink field="host" value={r.host} range={keep} />,
                value: r.hits,
              }))}
            />
          </div>
          <Ips ja4={ja4} route={route} />
        </>
      )}
    </div>
  );
}
