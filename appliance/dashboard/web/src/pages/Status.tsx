import { useState } from 'react';
import { api } from '../api';
import { Table } from '../components/Table';
import { useApi } from '../use-api';

interface StatusData {
  version: string;
  services: { name: string; ok: boolean; detail: string }[];
  /** The correlator's join counters; null when its metrics are not reachable from here. */
  join?: Record<'joined' | 'basis' | 'unjoined' | 'rejected', Record<string, number>> | null;
}

interface DetectorRun {
  state: 'started' | 'queued' | 'already_queued';
  message?: string;
}

/** "Run the detector now" for admins: the dashboard proxies it to the detector API. */
function RunDetector() {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const r = await api.post<DetectorRun>('/api/detector/run');
      setNote(r.state === 'started' ? 'detector cycle started' : (r.message ?? r.state));
    } catch (e) {
      setNote((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <p>
      <button type="button" onClick={run} disabled={busy} data-testid="run-detector">
        Run the detector now
      </button>{' '}
      <span className="muted small">{note}</span>
    </p>
  );
}

const JOIN_ROWS = [
  ['joined', 'Requests joined to their handshake'],
  ['basis', 'Decided by'],
  ['unjoined', 'Requests without fingerprints, by reason'],
  ['rejected', 'Handshakes refused as another connection’s'],
] as const;

export function Status({ admin }: { admin: boolean }) {
  const { data, error } = useApi<StatusData>('/api/status', {}, 15_000);
  return (
    <div>
      <h2>Status</h2>
      {error && <p className="error">{error}</p>}
      {data && (
        <Table
          rows={data.services}
          rowKey={(r) => r.name}
          testId="status"
          columns={[
            { key: 'name', title: 'Service', render: (r) => r.name },
            {
              key: 'ok',
              title: 'Health',
              render: (r) => <span className={r.ok ? 'ok' : 'bad'}>{r.ok ? 'healthy' : 'down'}</span>,
            },
            { key: 'detail', title: 'Detail', render: (r) => r.detail },
          ]}
        />
      )}
      {data?.join && (
        <Table
          rows={[...JOIN_ROWS]}
          rowKey={(r) => r[0]}
          testId="join-counters"
          columns={[
            { key: 'what', title: 'Join', render: (r) => r[1] },
            {
              key: 'counts',
              title: 'Counts',
              render: (r) =>
                Object.entries(data.join?.[r[0]] ?? {})
                  .map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`)
                  .join(', '),
            },
          ]}
        />
      )}
      {admin && <RunDetector />}
    </div>
  );
}
