import { useEffect, useState } from 'react';
import type { ServiceState, ServiceStatus, StatusResponse } from '../../../api/status';
import { api } from '../api';
import { Table } from '../components/Table';
import { useApi } from '../use-api';

/** Shorter than every heartbeat the services keep, so a silent one turns red within one. */
const REFRESH_MS = 5000;

const STATE_WORDS: Record<ServiceState, string> = {
  ok: 'up',
  idle: 'up, idle',
  warn: 'needs a look',
  down: 'down',
};

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

/** "4 s ago" from an ISO time, ticking with the page; "no data yet" when there is none. */
function Ago({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span className="muted">no data yet</span>;
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const text =
    s < 2
      ? 'just now'
      : s < 120
        ? `${s} s ago`
        : s < 7200
          ? `${Math.round(s / 60)} min ago`
          : `${Math.round(s / 3600)} h ago`;
  return <time dateTime={iso}>{text}</time>;
}

function ServiceRow({ s, now }: { s: ServiceStatus; now: number }) {
  return (
    <tr data-service={s.name} data-state={s.state} className={`service-${s.state}`}>
      <td className="nowrap">
        <span className={`state-dot state-${s.state}`} aria-hidden="true" /> <strong>{s.name}</strong>
      </td>
      <td className={`nowrap state-word state-${s.state}`}>{STATE_WORDS[s.state]}</td>
      <td className="wide">
        <div>{s.summary}</div>
        {s.values.length > 0 && (
          <dl className="status-values">
            {s.values.map((v) => (
              <div key={v.label}>
                <dt>{v.label}</dt>
                <dd>{v.value}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td className="nowrap small">
        <Ago iso={s.last_seen} now={now} />
      </td>
    </tr>
  );
}

const JOIN_ROWS = [
  ['joined', 'Requests joined to their handshake'],
  ['basis', 'Decided by'],
  ['unjoined', 'Requests without fingerprints, by reason'],
  ['rejected', 'Handshakes refused as another connection’s'],
] as const;

/** The correlator's join counters (read from its /metrics), one row per group. */
function JoinCounters({ join }: { join: NonNullable<StatusResponse['join']> }) {
  return (
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
            Object.entries(join[r[0]] ?? {})
              .map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`)
              .join(', '),
        },
      ]}
    />
  );
}

export function Status({ admin }: { admin: boolean }) {
  const { data, error } = useApi<StatusResponse>('/api/status', {}, REFRESH_MS);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const down = data?.services.filter((s) => s.state === 'down').map((s) => s.name) ?? [];
  return (
    <div>
      <h2>Status</h2>
      {error && <p className="error">{error}</p>}
      {data && (
        <p className={down.length ? 'bad' : 'ok'} data-testid="status-summary">
          {down.length ? `Down: ${down.join(', ')}` : 'Every service is up.'}
        </p>
      )}
      {data && (
        // Scrolls inside its box, as every table of the app, when a phone is narrower than it.
        <div className="table-wrap">
          <table data-testid="status" className="status-table">
            <thead>
              <tr>
                <th className="nowrap">Service</th>
                <th className="nowrap">State</th>
                <th>Detail</th>
                <th className="nowrap">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {data.services.map((s) => (
                <ServiceRow key={s.name} s={s} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.join && <JoinCounters join={data.join} />}
      {admin && <RunDetector />}
    </div>
  );
}
