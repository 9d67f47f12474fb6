import { useEffect, useRef, useState } from 'react';
import { type AnomaliesResponse, BLOCKLIST_FORMATS, type FlaggedIp } from '../../../api/index';
import { downloadUrl } from '../api';
import { DecisionNotice, useDecisionNotice } from '../components/DecisionNotice';
import { Labels } from '../components/Labels';
import { Pager } from '../components/Pager';
import { AsnLink, IpLink, Ja4Link } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { Reasons } from '../components/Reasons';
import { type Column, Table } from '../components/Table';
import { type Decided, Triage } from '../components/Triage';
import { num, score } from '../format';
import { type PageRange, rangeKeys, rangeOf } from '../range';
import { type Route, setParams } from '../router';
import { fmtHour, useZone, type Zone } from '../time';
import { useApi, useDebounced } from '../use-api';
import { ANOMALOUS_IPS } from './Overview';

const PAGE_SIZE = 50;

function columns(range: PageRange, zone: Zone, onDone: Decided): Column<FlaggedIp>[] {
  const keys = rangeKeys(range);
  return [
    {
      key: 'src_ip',
      title: 'IP',
      sortable: true,
      className: 'nowrap',
      render: (r) => <IpLink ip={r.src_ip} keep={range.keep} />,
    },
    { key: 'score', title: 'Score', sortable: true, className: 'num', render: (r) => score(r.score) },
    { key: 'reasons', title: 'Reasons', className: 'wide', render: (r) => <Reasons reasons={r.reasons} /> },
    {
      key: 'recurrence_days',
      title: 'Days flagged',
      hint: 'days this address was flagged in the last 30 days',
      sortable: true,
      className: 'num',
      render: (r) => num(r.recurrence_days),
    },
    { key: 'requests', title: 'Requests', sortable: true, className: 'num', render: (r) => num(r.requests) },
    {
      key: 'asn',
      title: 'ASN / labels',
      sortable: true,
      className: 'asn',
      render: (r) => (
        <>
          <div className="small">
            <AsnLink asn={r.asn} name={r.asn_name} range={keys} />
          </div>
          <Labels values={[r.asn_label, r.bot_ip_label, r.bot_ja4_label, r.label]} />
        </>
      ),
    },
    ...laterColumns(range, zone, onDone),
  ];
}

function laterColumns(range: PageRange, zone: Zone, onDone: Decided): Column<FlaggedIp>[] {
  const keys = rangeKeys(range);
  return [
    {
      key: 'ja4s',
      title: 'JA4',
      render: (r) => (
        <>
          {r.ja4s.slice(0, 2).map((j) => (
            <div key={j || 'none'} className="small">
              <Ja4Link ja4={j} keep={range.keep} range={keys} />
            </div>
          ))}
          {r.ja4s.length > 2 && <div className="muted small">+{r.ja4s.length - 2} more</div>}
        </>
      ),
    },
    {
      key: 'first_seen',
      title: 'First hour',
      sortable: true,
      className: 'small time',
      render: (r) => fmtHour(r.first_seen, zone),
    },
    {
      key: 'last_seen',
      title: 'Last hour',
      sortable: true,
      className: 'small time',
      render: (r) => fmtHour(Date.parse(r.last_seen) / 1000 - 3600, zone),
    },
    {
      key: 'state',
      title: 'State',
      render: (r) => (
        <details className="triage-menu">
          <summary className={`state state-${r.state}`}>{r.state.replace('_', ' ')}</summary>
          <Triage ip={r.src_ip} range={range.params} onDone={onDone} compact />
        </details>
      ),
    },
  ];
}

/** The filter as the URL holds it: exactly what the table, the exports and the blocklists use. */
function filterOf(route: Route) {
  const p = route.params;
  return {
    q: p.get('q') ?? '',
    min_score: p.get('min_score') ?? '',
    asn_label: p.get('asn_label') ?? '',
    bots: p.get('bots') === 'include' ? 'include' : 'exclude',
    sort: p.get('sort') ?? 'score',
    order: p.get('order') === 'asc' ? 'asc' : 'desc',
  } as const;
}

/**
 * A text box whose value reaches the URL once typing pauses (300 ms): one request per pause. Only
 * what was typed goes to the URL: when the URL changes from outside (a pasted link, back), the
 * box follows it, and the debounced text still on its way must not write the old filter back.
 */
function DebouncedInput({
  name,
  value,
  label,
  ...rest
}: { name: string; value: string; label: string } & Omit<
  React.InputHTMLAttributes<HTMLInputElement>,
  'value'
>) {
  const [text, setText] = useState(value);
  const settled = useDebounced(text, 300);
  const current = useRef(value);
  current.current = value;
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (settled !== current.current) setParams({ [name]: settled, page: undefined }, { replace: true });
  }, [settled, name]);
  return <input aria-label={label} value={text} onChange={(e) => setText(e.target.value)} {...rest} />;
}

function Downloads({ params }: { params: Record<string, string | number | undefined> }) {
  return (
    <div className="toolbar small" data-testid="downloads">
      Export (this filter):{' '}
      <a href={downloadUrl('/api/anomalies/export', { ...params, format: 'csv' })}>CSV</a> ·{' '}
      <a href={downloadUrl('/api/anomalies/export', { ...params, format: 'json' })}>JSON</a> · Blocklist (this
      filter, plus the deny list; never the allow list):{' '}
      {BLOCKLIST_FORMATS.map((f) => (
        <a key={f} className="sep" href={downloadUrl('/api/blocklist', { ...params, format: f })}>
          {f}
        </a>
      ))}
    </div>
  );
}

function Filters({ f, loading }: { f: ReturnType<typeof filterOf>; loading: boolean }) {
  return (
    <div className="toolbar">
      <DebouncedInput name="q" value={f.q} label="filter" placeholder="filter: IP, ASN, JA4, host, reason" />
      <DebouncedInput
        name="min_score"
        value={f.min_score}
        label="minimum score"
        placeholder="min score"
        inputMode="decimal"
        size={8}
      />
      <label className="small">
        <input
          type="checkbox"
          aria-label="include known bots"
          checked={f.bots === 'include'}
          onChange={(e) => setParams({ bots: e.target.checked ? 'include' : undefined, page: undefined })}
        />{' '}
        include known bots
      </label>
      {loading && <span className="muted small">loading…</span>}
    </div>
  );
}

export function Anomalies({ route }: { route: Route }) {
  const range = rangeOf(route);
  const zone = useZone();
  const f = filterOf(route);
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const params = { ...range.params, ...f };
  const { data, error, loading, reload } = useApi<AnomaliesResponse>(
    '/api/anomalies',
    { ...params, page, page_size: PAGE_SIZE },
    range.preset ? 60_000 : 0,
  );
  const { notice, onDone } = useDecisionNotice(reload);
  const onSort = (key: string) =>
    setParams({ sort: key, order: f.sort === key && f.order === 'desc' ? 'asc' : 'desc', page: undefined });
  return (
    <div>
      <div className="toolbar">
        <h2>Anomalies</h2>
        <RangePicker range={range} />
      </div>
      <Filters f={f} loading={loading} />
      <p className="muted small" data-testid="definition">
        Anomalous IPs: {ANOMALOUS_IPS}; known bots {f.bots === 'include' ? 'included' : 'excluded'}.
      </p>
      <Downloads params={params} />
      {error && <p className="error">{error}</p>}
      <DecisionNotice notice={notice} />
      <Table
        columns={columns(range, zone, onDone)}
        rows={error ? [] : data?.rows}
        rowKey={(r) => r.src_ip}
        sort={{ key: f.sort, order: f.order }}
        onSort={onSort}
        testId="anomalies"
      />
      <Pager
        page={data?.page ?? page}
        pageSize={PAGE_SIZE}
        shown={data?.rows.length ?? 0}
        total={error ? 0 : data?.total}
        noun="IP"
        onPage={(p) => setParams({ page: p })}
      />
    </div>
  );
}
