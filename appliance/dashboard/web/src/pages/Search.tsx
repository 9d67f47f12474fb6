import type { SearchResponse } from '../../../api/index';
import { BarList } from '../components/BarList';
import { Pager } from '../components/Pager';
import { AsnLink, IpLink, Ja4Link } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { Table } from '../components/Table';
import { num, plural } from '../format';
import { type PageRange, rangeKeys, rangeOf } from '../range';
import { type Route, setParams } from '../router';
import { fmtTime, useZone } from '../time';
import { useApi } from '../use-api';

const PAGE_SIZE = 50;

function Results({ data, range, page }: { data: SearchResponse; range: PageRange; page: number }) {
  const zone = useZone();
  const keep = rangeKeys(range);
  return (
    <div className="grid2">
      <section className="card">
        <h3>Addresses</h3>
        <Table
          rows={data.rows}
          rowKey={(r) => r.ip}
          testId="search-results"
          columns={[
            { key: 'ip', title: 'IP', render: (r) => <IpLink ip={r.ip} keep={range.keep} /> },
            {
              key: 'asn',
              title: 'ASN',
              render: (r) => <AsnLink asn={r.asn} name={r.asn_name} range={keep} />,
            },
            {
              key: 'ja4',
              title: 'JA4',
              render: (r) =>
                r.ja4s.map((j) => (
                  <div key={j || 'none'} className="small">
                    <Ja4Link ja4={j} keep={range.keep} range={keep} />
                  </div>
                )),
            },
            {
              key: 'last',
              title: 'Last request',
              className: 'time small',
              render: (r) => fmtTime(r.last_seen, zone),
            },
            { key: 'hits', title: 'Requests', className: 'num', render: (r) => num(r.hits) },
          ]}
        />
        <Pager
          page={data?.page ?? page}
          pageSize={PAGE_SIZE}
          shown={data.rows.length}
          total={data.total}
          estimated={data.total_estimated}
          noun="IP"
          onPage={(p) => setParams({ page: p })}
        />
      </section>
      <BarList
        title="JA4s of these requests"
        bars={data.ja4s.map((j) => ({
          key: j.ja4,
          label: <Ja4Link ja4={j.ja4} keep={range.keep} range={keep} />,
          value: j.hits,
          note: plural(j.ips, 'source IP'),
        }))}
      />
    </div>
  );
}

/** The search language's answer: what it understood, the matching addresses and their JA4s. */
export function Search({ route }: { route: Route }) {
  const q = route.params.get('q') ?? '';
  const range = rangeOf(route);
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const { data, error } = useApi<SearchResponse>(q ? '/api/search' : undefined, {
    ...range.params,
    q,
    page,
    page_size: PAGE_SIZE,
  });
  return (
    <div>
      <div className="toolbar">
        <h2>Search</h2>
        <RangePicker range={range} />
      </div>
      <p className="muted small">
        Terms: <code>ip:</code> <code>cidr:</code> <code>ja4:</code> (a prefix ends in <code>*</code>){' '}
        <code>ja3:</code> <code>host:</code> <code>path:</code> <code>ua:</code> <code>asn:</code>{' '}
        <code>status:</code> (e.g. 404 or 4xx); several terms must all match; a bare word is classified.
      </p>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <p data-testid="understood">
            Read as: {data.terms.length === 0 ? 'nothing' : data.terms.map((t) => t.words).join(' and ')}
            {data.errors.length > 0 && (
              <span className="error"> · not understood: {data.errors.join('; ')}</span>
            )}
          </p>
          <Results data={data} range={range} page={page} />
        </>
      )}
    </div>
  );
}
