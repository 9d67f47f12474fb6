import { useState } from 'react';
import { downloadUrl } from '../api';
import { Labels } from '../components/Labels';
import { type RangeKey, RangePicker } from '../components/RangePicker';
import { type Column, Table } from '../components/Table';
import { href } from '../router';
import { useApi } from '../use-api';

export interface AnomalyRow {
  src_ip: string;
  score: number;
  reasons: string;
  requests: number;
  ja4s: string[];
  hosts: string[];
  asn: number;
  asn_name: string;
  asn_label: string;
  bot_ip_label: string;
  bot_ja4_label: string;
  first_seen: string;
  last_seen: string;
  recurrence_days: number;
}

const PAGE_SIZE = 50;

const columns: Column<AnomalyRow>[] = [
  {
    key: 'src_ip',
    title: 'IP',
    sortable: true,
    className: 'nowrap mono',
    render: (r) => <a href={href.ip(r.src_ip)}>{r.src_ip}</a>,
  },
  {
    key: 'score',
    title: 'Score',
    sortable: true,
    className: 'num nowrap',
    render: (r) => r.score.toFixed(3),
  },
  {
    key: 'reasons',
    title: 'Reasons',
    className: 'wide',
    render: (r) => (
      <ul className="reasons">
        {r.reasons
          .split('; ')
          .filter(Boolean)
          .map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
      </ul>
    ),
  },
  {
    key: 'recurrence_days',
    title: 'Days flagged (30d)',
    sortable: true,
    className: 'num',
    render: (r) => r.recurrence_days,
  },
  {
    key: 'requests',
    title: 'Requests',
    sortable: true,
    className: 'num',
    render: (r) => r.requests.toLocaleString(),
  },
  {
    key: 'asn',
    title: 'ASN / labels',
    sortable: true,
    className: 'asn',
    render: (r) => (
      <>
        <div className="small">
          AS{r.asn} {r.asn_name}
        </div>
        <Labels values={[r.asn_label, r.bot_ip_label, r.bot_ja4_label]} />
      </>
    ),
  },
  {
    key: 'ja4s',
    title: 'JA4',
    className: 'nowrap',
    render: (r) => (
      <>
        {r.ja4s.slice(0, 2).map((j) => (
          <div key={j}>
            <a className="mono small" href={href.fingerprint(j)}>
              {j}
            </a>
          </div>
        ))}
        {r.ja4s.length > 2 && <div className="muted small">+{r.ja4s.length - 2} more</div>}
      </>
    ),
  },
  {
    key: 'first_seen',
    title: 'First seen',
    sortable: true,
    className: 'nowrap small',
    render: (r) => r.first_seen.replace('T', ' ').replace('Z', ''),
  },
  {
    key: 'last_seen',
    title: 'Last seen',
    sortable: true,
    className: 'nowrap small',
    render: (r) => r.last_seen.replace('T', ' ').replace('Z', ''),
  },
];

export function Anomalies() {
  const [range, setRange] = useState<RangeKey>('24h');
  const [q, setQ] = useState('');
  const [minScore, setMinScore] = useState('');
  const [sort, setSort] = useState<{ key: string; order: 'asc' | 'desc' }>({ key: 'score', order: 'desc' });
  const [page, setPage] = useState(1);
  const params = { range, q, min_score: minScore, sort: sort.key, order: sort.order };
  const { data, error, loading } = useApi<{ total: number; rows: AnomalyRow[] }>(
    '/api/anomalies',
    { ...params, page, page_size: PAGE_SIZE },
    60_000,
  );
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE));
  const onSort = (key: string) => {
    setSort((s) => ({ key, order: s.key === key && s.order === 'desc' ? 'asc' : 'desc' }));
    setPage(1);
  };
  return (
    <div>
      <div className="toolbar">
        <h2>Anomalies</h2>
        <RangePicker
          value={range}
          onChange={(r) => {
            setRange(r);
            setPage(1);
          }}
        />
        <input
          placeholder="filter: IP, ASN, JA4, host, reason"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
          aria-label="filter"
        />
        <input
          placeholder="min score"
          value={minScore}
          inputMode="decimal"
          onChange={(e) => setMinScore(e.target.value.replace(/[^0-9.]/g, ''))}
          aria-label="minimum score"
          size={8}
        />
        {loading && <span className="muted small">loading…</span>}
      </div>
      <div className="toolbar small">
        Export: <a href={downloadUrl('/api/anomalies/export', { ...params, format: 'csv' })}>CSV</a> ·{' '}
        <a href={downloadUrl('/api/anomalies/export', { ...params, format: 'json' })}>JSON</a> · Blocklist:{' '}
        {(['nginx', 'ipset', 'plain', 'ja4', 'json'] as const).map((f) => (
          <a
            key={f}
            className="sep"
            href={downloadUrl('/api/blocklist', { range, format: f, min_score: minScore })}
          >
            {f}
          </a>
        ))}
      </div>
      {error && <p className="error">{error}</p>}
      <Table
        columns={columns}
        rows={data?.rows ?? []}
        rowKey={(r) => r.src_ip}
        sort={sort}
        onSort={onSort}
        testId="anomalies"
      />
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          ‹ prev
        </button>
        <span>
          page {page} of {pages} · {data?.total ?? 0} IPs
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          next ›
        </button>
      </div>
    </div>
  );
}
