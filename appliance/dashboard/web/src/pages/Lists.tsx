import { type FormEvent, useState } from 'react';
import {
  type AuditResponse,
  type AuditRow,
  LISTS,
  type ListEntry,
  type ListsResponse,
  SUBJECT_KINDS,
} from '../../../api/index';
import { api } from '../api';
import { Pager } from '../components/Pager';
import { Table } from '../components/Table';
import { type Route, setParams } from '../router';
import { fmtTime, useZone, zoneName } from '../time';
import { useApi } from '../use-api';

function AddEntry({ onDone }: { onDone: () => void }) {
  const [entry, setEntry] = useState({ list: 'allow', subject_kind: 'ip', subject: '', note: '', days: '' });
  const [said, setSaid] = useState('');
  const set = (k: keyof typeof entry) => (e: { target: { value: string } }) =>
    setEntry({ ...entry, [k]: e.target.value });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const days = Number(entry.days);
    const expires_at = entry.days && days > 0 ? Math.floor(Date.now() / 1000 + days * 86_400) : null;
    try {
      await api.post('/api/lists', {
        list: entry.list,
        subject_kind: entry.subject_kind,
        subject: entry.subject,
        note: entry.note,
        expires_at,
      });
      setSaid(`added ${entry.subject} to the ${entry.list} list`);
      onDone();
    } catch (err) {
      setSaid((err as Error).message);
    }
  };
  return (
    <form className="toolbar" onSubmit={add} aria-label="add list entry">
      <select aria-label="list" value={entry.list} onChange={set('list')}>
        {LISTS.map((l) => (
          <option key={l}>{l}</option>
        ))}
      </select>
      <select aria-label="kind" value={entry.subject_kind} onChange={set('subject_kind')}>
        {SUBJECT_KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <input
        aria-label="subject"
        placeholder="IP, CIDR, JA4 (prefix*), ASN"
        value={entry.subject}
        onChange={set('subject')}
      />
      <input aria-label="note" placeholder="note (why)" value={entry.note} onChange={set('note')} />
      <input
        aria-label="expires in days"
        placeholder="expires in days (empty: never)"
        inputMode="numeric"
        value={entry.days}
        onChange={set('days')}
      />
      <button type="submit">Add</button>
      {said && (
        <span className="small muted" role="status">
          {said}
        </span>
      )}
    </form>
  );
}

function ListTable({ entries, onRemove }: { entries: ListEntry[]; onRemove: (e: ListEntry) => void }) {
  const zone = useZone();
  return (
    <Table
      rows={entries}
      rowKey={(e) => e.id}
      testId="lists"
      columns={[
        { key: 'list', title: 'List', render: (e) => e.list },
        {
          key: 'subject',
          title: 'Subject',
          render: (e) => (
            <span className="mono">
              {e.subject_kind}: {e.subject}
            </span>
          ),
        },
        { key: 'note', title: 'Note', render: (e) => e.note },
        { key: 'by', title: 'By', render: (e) => `${e.created_by}, ${fmtTime(e.created_at, zone, false)}` },
        {
          key: 'expires',
          title: 'Expires',
          className: 'time small',
          render: (e) =>
            (e.expires_at ? fmtTime(e.expires_at, zone, false) : 'never') + (e.active ? '' : ' (expired)'),
        },
        {
          key: 'remove',
          title: '',
          render: (e) => (
            <button type="button" onClick={() => onRemove(e)}>
              Remove
            </button>
          ),
        },
      ]}
    />
  );
}

function AuditTable({ rows }: { rows: AuditRow[] | undefined }) {
  const zone = useZone();
  return (
    <Table
      rows={rows}
      rowKey={(r, i) => `${r.ts}-${i}`}
      testId="audit"
      columns={[
        {
          key: 'ts',
          title: `When (${zoneName(zone)})`,
          className: 'time small',
          render: (r) => fmtTime(r.ts, zone),
        },
        { key: 'who', title: 'Who', render: (r) => r.username },
        { key: 'action', title: 'Action', render: (r) => r.action.replaceAll('_', ' ') },
        {
          key: 'subject',
          title: 'Subject',
          render: (r) => (
            <span className="mono">
              {r.subject_kind}: {r.subject}
            </span>
          ),
        },
        { key: 'detail', title: 'Why', render: (r) => r.detail },
      ]}
    />
  );
}

/** Allow and deny lists with their expiry, and the audit trail of every analyst decision. */
export function Lists({ route }: { route: Route }) {
  const zone = useZone();
  const lists = useApi<ListsResponse>('/api/lists', {});
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const audit = useApi<AuditResponse>('/api/audit', { page, page_size: 50 });
  const reload = () => {
    lists.reload();
    audit.reload();
  };
  const remove = async (e: ListEntry) => {
    await api.delete(`/api/lists/${e.id}`).catch(() => undefined);
    reload();
  };
  return (
    <div>
      <h2>Allow and deny lists</h2>
      <p className="muted small">
        Allow-listed addresses, networks, JA4s and ASes are never flagged by the detector and never exported
        as a block; deny-listed ones are always in the blocklists. Times in {zoneName(zone)}.
      </p>
      <AddEntry onDone={reload} />
      <ListTable entries={lists.data?.entries ?? []} onRemove={remove} />
      <h2>Audit trail</h2>
      <AuditTable rows={audit.error ? [] : audit.data?.rows} />
      <Pager
        page={audit.data?.page ?? page}
        pageSize={50}
        shown={audit.data?.rows.length ?? 0}
        total={audit.error ? 0 : audit.data?.total}
        noun="decision"
        onPage={(p) => setParams({ page: p })}
      />
    </div>
  );
}
