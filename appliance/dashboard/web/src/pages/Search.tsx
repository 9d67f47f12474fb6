import { Table } from '../components/Table';
import { href } from '../router';
import { useApi } from '../use-api';

type Row = Record<string, string | number>;

export function Search({ q }: { q: string }) {
  const { data, error } = useApi<{ kind: string; value: string; results: Row[] }>('/api/search', { q });
  const link = (r: Row) => {
    if (r.ip !== undefined) return <a href={href.ip(String(r.ip))}>{String(r.ip)}</a>;
    if (r.ja4 !== undefined)
      return (
        <a className="mono" href={href.fingerprint(String(r.ja4))}>
          {String(r.ja4)}
        </a>
      );
    return <a href={href.search(String(r.host))}>{String(r.host)}</a>;
  };
  return (
    <div>
      <h2>Search</h2>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <p>
            “{data.value}” read as <strong>{data.kind}</strong> (last 7 days)
          </p>
          <Table
            rows={data.results}
            rowKey={(_r, i) => String(i)}
            testId="search-results"
            columns={[
              { key: 'what', title: 'Match', render: link },
              {
                key: 'extra',
                title: '',
                render: (r) => String(r.asn_name ?? r.ja3 ?? (r.ips !== undefined ? `${r.ips} IPs` : '')),
              },
              {
                key: 'hits',
                title: 'Requests',
                className: 'num',
                render: (r) => Number(r.hits).toLocaleString(),
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
