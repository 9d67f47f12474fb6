import { type Ja4Signal, SIGNAL_SORTS, type SignalsResponse } from '../../../api/index';
import { Pager } from '../components/Pager';
import { Ja4Link } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { type Column, Table } from '../components/Table';
import { num, pct } from '../format';
import { type PageRange, rangeKeys, rangeOf } from '../range';
import { type Route, setParams } from '../router';
import { fmtTime, useZone, type Zone } from '../time';
import { useApi } from '../use-api';

const PAGE_SIZE = 50;

function columns(range: PageRange, zone: Zone): Column<Ja4Signal>[] {
  const keys = rangeKeys(range);
  const sortable = (k: string) => (SIGNAL_SORTS as readonly string[]).includes(k);
  const c = (
    key: string,
    title: string,
    render: (s: Ja4Signal) => React.ReactNode,
    className = 'num',
    hint?: string,
  ) => ({
    key,
    title,
    render,
    className,
    hint,
    sortable: sortable(key),
  });
  return [
    c(
      'ja4',
      'JA4',
      (s) => (
        <>
          {<Ja4Link ja4={s.ja4} keep={range.keep} range={keys} />}
          {s.new && <span className="chip chip-new">new</span>}
        </>
      ),
      '',
    ),
    c('requests', 'Requests', (s) => num(s.requests)),
    c(
      'flagged_share',
      'Flagged',
      (s) => pct(s.flagged_share),
      'num',
      'share of its non-bot requests on rows the detector flagged',
    ),
    c('ips', 'IPs', (s) => num(s.ips)),
    c('asns', 'ASes', (s) => num(s.asns)),
    c('user_agents', 'UAs', (s) => num(s.user_agents), 'num', 'distinct user agents'),
    c('paths', 'Paths', (s) => num(s.paths), 'num', 'distinct paths'),
    c(
      'first_seen',
      'First seen',
      (s) => fmtTime(s.first_seen, zone, false),
      'time small',
      'first seen on this server',
    ),
    c('last_seen', 'Last seen', (s) => fmtTime(s.last_seen, zone, false), 'time small'),
  ];
}

/** Per-JA4 local signals: how each fingerprint behaves in this server's own traffic. */
export function Signals({ route }: { route: Route }) {
  const range = rangeOf(route);
  const zone = useZone();
  const p = route.params;
  const sort = (SIGNAL_SORTS as readonly string[]).includes(p.get('sort') ?? '')
    ? (p.get('sort') as string)
    : 'requests';
  const order = p.get('order') === 'asc' ? 'asc' : 'desc';
  const newOnly = p.get('new_only') === 'true';
  const page = Math.max(1, Number(p.get('page')) || 1);
  const { data, error } = useApi<SignalsResponse>('/api/signals', {
    ...range.params,
    sort,
    order,
    new_only: newOnly || undefined,
    page,
    page_size: PAGE_SIZE,
  });
  return (
    <div>
      <div className="toolbar">
        <h2>JA4 signals</h2>
        <RangePicker range={range} />
        <label className="small">
          <input
            type="checkbox"
            checked={newOnly}
            onChange={(e) => setParams({ new_only: e.target.checked ? 'true' : undefined, page: undefined })}
          />{' '}
          only fingerprints first seen in the last 24 h
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      <Table
        rows={error ? [] : data?.rows}
        rowKey={(s) => s.ja4}
        columns={columns(range, zone)}
        sort={{ key: sort, order }}
        onSort={(k) =>
          setParams({ sort: k, order: sort === k && order === 'desc' ? 'asc' : 'desc', page: undefined })
        }
        testId="signals"
      />
      <Pager
        page={data?.page ?? page}
        pageSize={PAGE_SIZE}
        shown={data?.rows.length ?? 0}
        total={error ? 0 : data?.total}
        noun="JA4"
        onPage={(n) => setParams({ page: n })}
      />
    </div>
  );
}
