import { ALERT_VIEWS, type Alert, type AlertsResponse } from '../../../api/index';
import { DecisionNotice, useDecisionNotice } from '../components/DecisionNotice';
import { Pager } from '../components/Pager';
import { IpLink } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { type Column, Table } from '../components/Table';
import { type Decided, Triage } from '../components/Triage';
import { num, score } from '../format';
import { type PageRange, rangeOf } from '../range';
import { type Route, setParams } from '../router';
import { fmtHour, useZone, type Zone } from '../time';
import { useApi } from '../use-api';

const PAGE_SIZE = 50;

function alertColumns(range: PageRange, zone: Zone, onDone: Decided): Column<Alert>[] {
  return [
    { key: 'ip', title: 'IP', render: (r) => <IpLink ip={r.src_ip} keep={range.keep} /> },
    { key: 'score', title: 'Max score', className: 'num', render: (r) => score(r.max_score) },
    { key: 'rows', title: 'Rows', className: 'num', render: (r) => num(r.rows) },
    {
      key: 'hours',
      title: 'Hours',
      className: 'small time',
      render: (r) => `${fmtHour(r.first_hour, zone)} … ${fmtHour(r.last_hour, zone)}`,
    },
    {
      key: 'now',
      title: 'Newest cycle',
      render: (r) => (r.still_flagged ? 'still flagged' : <span className="muted">no longer flagged</span>),
    },
    {
      key: 'state',
      title: 'State',
      render: (r) => (
        <details className="triage-menu">
          <summary className={`state state-${r.state}`}>
            {r.state.replace('_', ' ')}
            {r.changed_by ? ` (${r.changed_by})` : ''}
          </summary>
          <Triage ip={r.src_ip} range={range.params} onDone={onDone} compact />
        </details>
      ),
    },
  ];
}

/**
 * The triage queue: every address a cycle flagged in the range (known bots excluded), open
 * (new, acknowledged) or closed (resolved, false positive). An alert stays until an analyst
 * closes it, even when a later cycle no longer flags the address ("no longer flagged").
 */
export function Alerts({ route }: { route: Route }) {
  const range = rangeOf(route);
  const zone = useZone();
  const view = (ALERT_VIEWS as readonly string[]).includes(route.params.get('view') ?? '')
    ? (route.params.get('view') as string)
    : 'open';
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const { data, error, reload } = useApi<AlertsResponse>('/api/alerts', {
    ...range.params,
    view,
    page,
    page_size: PAGE_SIZE,
  });
  const { notice, onDone } = useDecisionNotice(reload);
  return (
    <div>
      <div className="toolbar">
        <h2>Alerts</h2>
        <RangePicker range={range} />
        <fieldset className="range-picker" aria-label="alert view">
          {ALERT_VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              className={v === view ? 'active' : ''}
              onClick={() => setParams({ view: v, page: undefined })}
            >
              {v}
            </button>
          ))}
        </fieldset>
      </div>
      {error && <p className="error">{error}</p>}
      <DecisionNotice notice={notice} />
      <Table
        rows={error ? [] : data?.rows}
        rowKey={(r) => r.src_ip}
        testId="alerts"
        columns={alertColumns(range, zone, onDone)}
      />
      <Pager
        page={data?.page ?? page}
        pageSize={PAGE_SIZE}
        shown={data?.rows.length ?? 0}
        total={error ? 0 : data?.total}
        noun="alert"
        onPage={(p) => setParams({ page: p })}
      />
    </div>
  );
}
