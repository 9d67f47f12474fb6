import { useState } from 'react';
import { BarList } from '../components/BarList';
import { Labels } from '../components/Labels';
import { type RangeKey, RangePicker } from '../components/RangePicker';
import { Table } from '../components/Table';
import { href } from '../router';
import { useApi } from '../use-api';

type Row = Record<string, string | number | null>;
interface FpData {
  decoded: Record<string, string | number | boolean>;
  summary: Row & { ja3s: string[]; tls_versions: string[]; alpns: string[] };
  ips: Row[];
  user_agents: Row[];
  hosts: Row[];
  known_label: { label: string; note: string };
}

const PARTS: [string, string][] = [
  ['protocol', 'Protocol'],
  ['tls_version', 'TLS version'],
  ['sni', 'SNI'],
  ['cipher_count', 'Cipher suites'],
  ['extension_count', 'Extensions'],
  ['alpn', 'ALPN'],
  ['cipher_hash', 'Cipher hash (JA4_b)'],
  ['extension_hash', 'Extension hash (JA4_c)'],
];

export function Fingerprint({ ja4 }: { ja4: string }) {
  const [range, setRange] = useState<RangeKey>('7d');
  const { data, error } = useApi<FpData>(`/api/fingerprints/${encodeURIComponent(ja4)}`, { range });
  return (
    <div>
      <div className="toolbar">
        <h2>
          JA4 <span className="mono">{ja4}</span>
        </h2>
        <RangePicker value={range} onChange={setRange} />
      </div>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <section className="card">
            <h3>
              Decoded <Labels values={[data.known_label.label]} />
            </h3>
            {data.known_label.note && <p className="muted">{data.known_label.note}</p>}
            <dl className="decoded" data-testid="ja4-decoded">
              {PARTS.map(([k, title]) => (
                <div key={k}>
                  <dt>{title}</dt>
                  <dd>{String(data.decoded[k] ?? '—')}</dd>
                </div>
              ))}
            </dl>
            <p className="small">
              {Number(data.summary.requests).toLocaleString()} requests from {String(data.summary.ips)} IPs,
              first seen {String(data.summary.first_seen)}, last seen {String(data.summary.last_seen)}. JA3:{' '}
              <span className="mono">{data.summary.ja3s.join(', ') || '—'}</span>
            </p>
            {data.summary.ja4_r && <pre className="raw">{String(data.summary.ja4_r)}</pre>}
          </section>
          <div className="grid3">
            <BarList
              title="User agents"
              bars={data.user_agents.map((r) => ({
                key: String(r.user_agent),
                label: String(r.user_agent || '(none)'),
                value: Number(r.hits),
              }))}
            />
            <BarList
              title="Hosts"
              bars={data.hosts.map((r) => ({
                key: String(r.host),
                label: String(r.host),
                value: Number(r.hits),
              }))}
            />
          </div>
          <section className="card">
            <h3>IPs using it</h3>
            <Table
              rows={data.ips}
              rowKey={(r) => String(r.ip)}
              columns={[
                { key: 'ip', title: 'IP', render: (r) => <a href={href.ip(String(r.ip))}>{String(r.ip)}</a> },
                { key: 'asn', title: 'ASN', render: (r) => `AS${r.asn} ${r.asn_name}` },
                {
                  key: 'labels',
                  title: 'Labels',
                  render: (r) => <Labels values={[String(r.asn_label), String(r.bot_ip_label)]} />,
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
        </>
      )}
    </div>
  );
}
